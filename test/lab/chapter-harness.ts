/**
 * What the cluster chapters' lab tests do to a lab of their own, in one place: run a chapter (and
 * say how long it took), verify it as JSON, verify until a state settles, and run a command on a
 * machine over SSH.
 */
import { spawnSync } from 'node:child_process';
import { expect, inject } from 'vitest';
import { labSshArgs } from '../../lab/local/index.js';
import type { Lab } from '../../src/lab/types.js';
import { KTHW_BIN } from '../support/run-kthw.js';
import { exec } from './helpers.js';

export interface CheckJson {
  id: string;
  host: string;
  ok: boolean;
  observed: string;
  diagnosis?: { found: string; where: string };
}

export const failing = (checks: CheckJson[]) =>
  checks
    .filter((c) => !c.ok)
    .map((c) => c.id)
    .sort();
export const found = (checks: CheckJson[], id: string) => checks.find((c) => c.id === id)!.diagnosis?.found ?? '';

export function chapterHarness(labFile: string, lab: Lab) {
  /** `kthw --lab FILE …` in the run's KTHW_HOME; a chapter may take minutes on a busy machine (the shared helper allows two). */
  function kthw(...args: string[]): { code: number | null; output: string; stdout: string } {
    const result = spawnSync(process.execPath, [KTHW_BIN, '--lab', labFile, ...args], {
      env: { ...process.env, NO_COLOR: '1', KTHW_DEBUG: undefined, KTHW_HOME: inject('kthwHome') },
      input: '',
      encoding: 'utf8',
      timeout: 900_000,
    });
    return { code: result.status, stdout: result.stdout, output: result.stdout + result.stderr };
  }

  function run(chapter: string): string {
    const started = performance.now();
    const result = kthw('run', chapter);
    expect(result.code, `${chapter}:\n${result.output.slice(-4000)}`).toBe(0);
    process.stderr.write(`[${lab.name}] ${chapter}: ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
    return result.output;
  }

  function verifyJson(chapter: string): { code: number | null; checks: CheckJson[] } {
    const result = kthw('--json', 'verify', chapter);
    const doc = JSON.parse(result.stdout) as { chapters: Array<{ checks: CheckJson[] }> };
    return { code: result.code, checks: doc.chapters.flatMap((c) => c.checks) };
  }

  /** Verify until `settled` holds (a node's status takes its time to change), at most about two minutes. */
  async function verifyUntil(chapter: string, settled: (checks: CheckJson[]) => boolean): Promise<{ code: number | null; checks: CheckJson[] }> {
    let last = verifyJson(chapter);
    for (let i = 0; i < 24 && !settled(last.checks); i++) {
      await new Promise((r) => setTimeout(r, 5000));
      last = verifyJson(chapter);
    }
    return last;
  }

  async function on(host: string, command: string, timeoutMs = 60_000): Promise<string> {
    const [ssh, ...args] = labSshArgs(lab, host, command);
    const result = await exec(ssh!, ['-o', 'BatchMode=yes', ...args], timeoutMs);
    if (result.code !== 0) throw new Error(`${host}: ${command} exited ${result.code}: ${result.stderr}`);
    return result.stdout;
  }

  return { kthw, run, verifyJson, verifyUntil, on };
}
