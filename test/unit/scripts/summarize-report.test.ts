/**
 * scripts/summarize-report.mjs: the closing line of `npm test` sums the unit and lab runs' reports,
 * and a missing or unreadable report counts as a failure, never as a pass.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../../scripts/summarize-report.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kthw-summary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function report(name: string, body: object): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(body));
  return file;
}

function summarize(...files: string[]) {
  const result = spawnSync(process.execPath, [script, ...files], { encoding: 'utf8' });
  return { code: result.status, lastLine: result.stdout.trimEnd().split('\n').at(-1), stderr: result.stderr };
}

const unit = report('unit.json', { numPassedTests: 900, numFailedTests: 0, testResults: [] });
const lab = report('lab.json', { numPassedTests: 70, numFailedTests: 2, numPendingTests: 1, testResults: [] });

describe('summarize-report', () => {
  it('sums the reports into one closing line', () => {
    expect(summarize(unit, lab)).toMatchObject({ code: 1, lastLine: '970 passed, 2 failed, 1 skipped' });
    expect(summarize(unit)).toMatchObject({ code: 0, lastLine: '900 passed, 0 failed' });
  });

  it('counts a file that failed to load as a failure', () => {
    const broken = report('broken.json', { numPassedTests: 5, numFailedTests: 0, testResults: [{ status: 'failed', assertionResults: [] }] });
    expect(summarize(unit, broken)).toMatchObject({ code: 1, lastLine: '905 passed, 1 failed' });
  });

  it('counts a missing or unreadable report as a failure, naming it', () => {
    const garbage = join(dir, 'garbage.json');
    writeFileSync(garbage, '{not json');
    const missing = summarize(unit, join(dir, 'absent.json'), garbage);
    expect(missing).toMatchObject({ code: 1, lastLine: '900 passed, 2 failed' });
    expect(missing.stderr).toContain('absent.json');
    expect(missing.stderr).toContain('garbage.json');
    expect(summarize()).toMatchObject({ code: 1, lastLine: '0 passed, 1 failed' });
  });
});
