/**
 * The lab directory as the reusable artifact: a lab of this file's own (name prt, 10.247.0.0/24,
 * fd00:10:247::/64) runs chapters 01–03 through the kthw binary; its directory is copied to another
 * path, the lab file it was made with is deleted, the machines are reset to the bare image, and
 * `kthw --lab COPIED-DIR replay`, under another KTHW_HOME, rebuilds them: verify passes from the copy.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { labDown } from '../../lab/local/index.js';
import { openSession } from '../../src/app/session.js';
import { runKthw } from '../support/run-kthw.js';
import { kthwOn, labVariant, upWithChapters, useLabHome } from './helpers.js';

const scratch = mkdtempSync(join(tmpdir(), 'kthw-prt-'));
const labFile = labVariant(scratch, 'classic', 'prt', [
  ['10.240.', '10.247.'],
  ['fd00:10:240:', 'fd00:10:247:'],
]);
const chaptersRun = ['chapter-1', 'chapter-2', 'chapter-3'];
const kthw = (...args: string[]) => kthwOn(labFile, ...args);

beforeAll(() => {
  useLabHome();
  upWithChapters(kthw, chaptersRun);
});

afterAll(async () => {
  await labDown('prt', { log: () => undefined });
  rmSync(scratch, { recursive: true, force: true });
});

describe('the local lab behind the application core', () => {
  it("session.resetHost (the tutor's reset) puts every machine back to the start of a chapter and forgets its progress", async () => {
    const session = await openSession({ lab: labFile });
    try {
      await session.resetHost!('all', 'chapter-3');
      expect((await session.progress()).find((p) => p.meta.id === 'chapter-3')?.status).toBe('not-started');
      expect((await session.verify('chapter-3')).some((r) => !r.ok)).toBe(true);
      expect((await session.verify('chapter-2')).every((r) => r.ok)).toBe(true); // chapter 2's work was there at chapter 3's start
    } finally {
      await session.close();
    }
    const again = kthw('run', 'chapter-3');
    expect(again.code, again.output.slice(-3000)).toBe(0);
  });
});

describe('a lab directory copied to another path and another KTHW_HOME', () => {
  it('replays onto the reset machines from the copy alone, and verify passes from it', () => {
    const copied = join(scratch, 'elsewhere', 'prt');
    cpSync(join(inject('kthwHome'), 'prt'), copied, { recursive: true });
    const reset = kthw('lab', 'reset', 'all');
    expect(reset.code, reset.output).toBe(0);
    expect(kthw('verify', 'chapter-3').code).toBe(1); // the reset really took chapter 3's work away
    rmSync(labFile);

    const otherHome = join(scratch, 'other-home');
    const fromCopy = (...args: string[]) => {
      const result = runKthw(['--lab', copied, ...args], { env: { KTHW_HOME: otherHome } });
      return { ...result, output: result.stdout + result.stderr };
    };
    const replayed = fromCopy('--json', 'replay');
    expect(replayed.code, replayed.output).toBe(0);
    const result = JSON.parse(replayed.stdout) as { ok: boolean; changed: number; chapters: Array<{ chapter: string }> };
    expect(result.ok).toBe(true);
    expect(result.chapters.map((c) => c.chapter)).toEqual(chaptersRun);
    expect(result.changed).toBeGreaterThan(0);
    for (const chapter of chaptersRun) {
      const verified = fromCopy('verify', chapter);
      expect(verified.code, `${chapter}:\n${verified.output.slice(-3000)}`).toBe(0);
    }
  });
});
