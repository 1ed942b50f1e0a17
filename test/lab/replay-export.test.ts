/**
 * Replay's manners on real machines: a lab of this file's own (name rpl, 10.248.0.0/24,
 * fd00:10:248::/64) runs chapters 01–07 through the kthw binary, is reset to the bare image, and is
 * rebuilt by `kthw replay`: interrupted by a failure, then resumed; killed, then resumed; and onto
 * another lab's machines. Each time `kthw verify` must pass, and a second replay must change nothing.
 * (A whole cluster, chapters 01–12, replayed and rebuilt by its Ansible export: replay-export-cluster.)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { labDown } from '../../lab/local/index.js';
import { loadLab } from '../../src/lab/load.js';
import type { Lab } from '../../src/lab/types.js';
import { KTHW_BIN } from '../support/run-kthw.js';
import { kthwOn, labVariant, sshRun, upWithChapters, useLabHome } from './helpers.js';

const scratch = mkdtempSync(join(tmpdir(), 'kthw-rpl-'));
const labFile = labVariant(scratch, 'classic', 'rpl', [
  ['10.240.', '10.248.'],
  ['fd00:10:240:', 'fd00:10:248:'],
]);
const lab: Lab = await loadLab(labFile);
// A second lab (rpl2, 10.249.0.0/24) for `kthw replay --to`.
const otherFile = labVariant(scratch, 'classic', 'rpl2', [
  ['10.240.', '10.249.'],
  ['fd00:10:240:', 'fd00:10:249:'],
]);
const chaptersRun = ['chapter-1', 'chapter-2', 'chapter-3', 'chapter-4', 'chapter-5', 'chapter-6', 'chapter-7'];

function kthw(...args: string[]) {
  return kthwOn(labFile, ...args);
}

interface ReplayJson {
  ok: boolean;
  changed: number;
  resumed: boolean;
  chapters: Array<{ chapter: string; skipped: boolean; changed: number; steps: Array<{ step: string; status: string }> }>;
  failure?: { message: string; where: string };
}

function replay(): ReplayJson {
  const result = kthw('--json', 'replay');
  expect(result.stdout.trim().startsWith('{'), result.output).toBe(true);
  return JSON.parse(result.stdout) as ReplayJson;
}

function verifyAll(): void {
  for (const chapter of chaptersRun) {
    const result = kthw('verify', chapter);
    expect(result.code, `${chapter}:\n${result.output.slice(-3000)}`).toBe(0);
  }
}

function resetLab(): void {
  const result = kthw('lab', 'reset', 'all');
  expect(result.code, result.output).toBe(0);
  expect(kthw('verify', 'chapter-3').code).toBe(1); // the reset really took chapter 3's work away
}

async function onHost(host: string, command: string): Promise<void> {
  const result = await sshRun(lab, host, command);
  expect(result.code, `${host}: ${command}\n${result.stderr}`).toBe(0);
}

beforeAll(() => {
  useLabHome();
  upWithChapters(kthw, chaptersRun);
});

afterAll(async () => {
  await labDown(lab.name, { log: () => undefined });
  await labDown('rpl2', { log: () => undefined });
  rmSync(scratch, { recursive: true, force: true });
});

describe('kthw replay on the rpl lab', () => {
  it('rebuilds reset machines, stops at a failing step with its diagnosis, resumes there, and a second replay changes nothing', async () => {
    resetLab();
    // node-0's /var/lib/kubelet is a file: chapter 4 cannot make the directory there.
    await onHost('node-0', 'rm -rf /var/lib/kubelet && touch /var/lib/kubelet');
    const failed = replay();
    expect(failed.ok).toBe(false);
    expect(failed.failure?.where).toBe('step distribute-node-0 on node-0');
    expect(failed.failure?.message).toMatch(/mkdir/);
    expect(failed.chapters.map((c) => c.chapter)).toEqual(chaptersRun.slice(0, 4)); // it stopped in chapter 4
    expect(failed.changed).toBeGreaterThan(0);

    await onHost('node-0', 'rm /var/lib/kubelet');
    const resumed = replay();
    expect(resumed).toMatchObject({ ok: true, resumed: true });
    expect(resumed.chapters.map((c) => c.skipped)).toEqual([true, true, true, false, false, false, false]);
    // chapter 4 resumed at the step that failed: the steps before it were not run again
    expect(resumed.chapters[3]!.steps.map((s) => s.step)).toEqual(['distribute-node-0', 'distribute-node-1']);
    verifyAll();

    const again = replay();
    expect(again).toMatchObject({ ok: true, resumed: false, changed: 0 });
    expect(again.chapters.map((c) => c.changed)).toEqual(chaptersRun.map(() => 0));
    expect(kthw('replay').stdout).toContain('0 changed');
  });

  it('a replay killed mid-way resumes in the chapter it was killed in and completes', async () => {
    resetLab();
    const child = spawn(process.execPath, [KTHW_BIN, '--lab', labFile, 'replay'], {
      env: { ...process.env, KTHW_HOME: inject('kthwHome'), NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let seen = '';
    const killed = await new Promise<boolean>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        // the first step of chapter 3 is done: kill it there, as a crash or a closed terminal would
        if (seen.includes('hostname-jumpbox changed') && child.exitCode === null) child.kill('SIGKILL');
      });
      child.on('exit', (_code, signal) => resolve(signal === 'SIGKILL'));
    });
    expect(killed, seen).toBe(true);
    const resumed = replay();
    expect(resumed).toMatchObject({ ok: true, resumed: true });
    expect(resumed.chapters.map((c) => c.skipped)).toEqual([true, true, false, false, false, false, false]);
    expect(resumed.chapters[2]!.steps[0]!.step).not.toBe('hostname-jumpbox');
    verifyAll();
  });

  it("replays onto another lab's machines with --new-pki; without it, refuses a PKI made for other addresses", () => {
    const up = kthwOn(otherFile, 'lab', 'up');
    expect(up.code, up.output).toBe(0);
    const refused = kthw('replay', '--to', otherFile);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--new-pki');
    const replayed = kthw('--json', 'replay', '--to', otherFile, '--new-pki');
    expect(replayed.code, replayed.output).toBe(0);
    expect(JSON.parse(replayed.stdout)).toMatchObject({ ok: true, copiedSecrets: [] });
    for (const chapter of chaptersRun) {
      const verified = kthwOn(otherFile, 'verify', chapter);
      expect(verified.code, `${chapter} on rpl2:\n${verified.output.slice(-3000)}`).toBe(0);
    }
    expect(JSON.parse(kthw('--json', 'replay', '--to', otherFile, '--new-pki').stdout)).toMatchObject({ ok: true, changed: 0 });
  });
});
