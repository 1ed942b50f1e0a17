/** Commands that only read leave nothing behind: no `.kthw/<lab>/` until something needs writing. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runKthw } from '../../support/run-kthw.js';

const classic = fileURLToPath(new URL('../../../lab/classic.yaml', import.meta.url));
const cwd = mkdtempSync(join(tmpdir(), 'kthw-readonly-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('read-only commands', () => {
  it.each([
    [['chapters']],
    [['status']],
    [['--json', 'status']],
    [['lab', 'validate', classic]],
    [['--json', 'export', 'ansible', '--chapter', 'chapter-4', '--print']],
  ])('kthw %j creates no lab directory', (args) => {
    const run = runKthw(['--lab', classic, ...args], { cwd, env: { KTHW_HOME: undefined } });
    expect(run.code).toBe(0);
    expect(existsSync(join(cwd, '.kthw'))).toBe(false);
  });
});
