/** A reader that goes away (`| head -1`) ends kthw quietly: no stack trace, the README's exit code. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { KTHW_BIN } from '../../support/run-kthw.js';

const classic = fileURLToPath(new URL('../../../lab/classic.yaml', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'kthw-pipe-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs `kthw ARGS | head -1` in bash; kthw's own exit code and stderr. */
function throughHead(args: string[], stream: 'stdout' | 'stderr' = 'stdout') {
  const redirect = stream === 'stdout' ? '2>"$ERR"' : '2>&1 >/dev/null';
  const script = `"$NODE" "$BIN" "$@" ${redirect} | head -1 >/dev/null; echo "\${PIPESTATUS[0]}"`;
  const err = join(scratch, 'stderr.txt');
  const result = spawnSync('bash', ['-c', script, 'bash', ...args], {
    cwd: scratch,
    encoding: 'utf8',
    env: { ...process.env, NODE: process.execPath, BIN: KTHW_BIN, ERR: err, NO_COLOR: '1', KTHW_DEBUG: undefined },
  });
  const stderr = stream === 'stdout' ? spawnSync('cat', [err], { encoding: 'utf8' }).stdout : '';
  return { code: Number(result.stdout.trim()), stderr };
}

describe('a reader that goes away', () => {
  it('kthw --json export ansible --chapter chapter-4 --print | head -1 ends quietly (5 of 5)', () => {
    for (let i = 0; i < 5; i++) {
      const { code, stderr } = throughHead(['--lab', classic, '--json', 'export', 'ansible', '--chapter', 'chapter-4', '--print']);
      expect(stderr).toBe('');
      expect(code).toBe(0);
    }
  });

  it('a usage error written to a closed stderr still exits 2, without a trace', () => {
    const { code } = throughHead(['frobnicate'], 'stderr');
    expect(code).toBe(2);
  });
});
