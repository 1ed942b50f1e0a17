import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chapters } from '../../../chapters/index.js';
import { replay } from '../../../src/app/replay.js';
import { openSession } from '../../../src/app/session.js';
import { stampChapter } from '../../fixtures/chapters/90-stamp/index.js';
import { labVariant } from '../../support/lab-variant.js';
import { noMachines } from '../../support/no-machines.js';

// The lab directory is what a finished lab leaves: copied to another path, under another KTHW_HOME,
// without the lab file it was made with, it still opens (`--lab DIR`) and replays, with the
// parameters it recorded. The fixture chapter's work directory stands in for fresh machines.

const root = mkdtempSync(join(tmpdir(), 'kthw-portable-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const course = (labDir: string, work: string) => [...chapters, stampChapter(labDir, work)];

describe('a lab directory copied elsewhere', () => {
  it('opens from the directory alone and replays what it recorded onto a fresh place', async () => {
    process.env.KTHW_HOME = join(root, 'home-a');
    const labFile = labVariant(join(root), 'classic', 'portable', []);
    const firstDir = join(root, 'home-a', 'portable');
    const first = await openSession({ lab: labFile, localLab: () => Promise.resolve(noMachines), chapters: course(firstDir, join(root, 'work-a')) });
    await first.setParams('chapter-90', { word: 'recorded' });
    expect((await first.run('chapter-90')).ok).toBe(true);
    await first.close();
    expect(readFileSync(join(firstDir, 'lab.yaml'), 'utf8')).toBe(readFileSync(labFile, 'utf8'));

    // Elsewhere: the directory copied, the original directory and lab file gone, another KTHW_HOME.
    const copied = join(root, 'elsewhere', 'portable');
    cpSync(firstDir, copied, { recursive: true });
    rmSync(join(root, 'home-a'), { recursive: true });
    rmSync(labFile);
    process.env.KTHW_HOME = join(root, 'home-b');
    const fresh = join(root, 'work-b');
    const second = await openSession({ lab: copied, localLab: () => Promise.resolve(noMachines), chapters: course(copied, fresh) });
    try {
      expect(second.lab.name).toBe('portable');
      expect(second.labDir).toBe(copied);
      expect((await second.progress()).find((p) => p.meta.id === 'chapter-90')?.status).toBe('done');
      const result = await replay(second, second, { from: '90' });
      expect(result.ok).toBe(true);
      expect(result.chapters.map((c) => c.chapter)).toEqual(['chapter-90']);
      expect(readFileSync(join(fresh, 'stamp.txt'), 'utf8')).toBe('stamped recorded\n');
    } finally {
      await second.close();
    }
  });

  it('refuses a directory without a pinned lab file, and one renamed away from its lab', async () => {
    process.env.KTHW_HOME = join(root, 'home-c');
    await expect(openSession({ lab: join(root, 'elsewhere') })).rejects.toMatchObject({
      name: 'UsageError',
      message: expect.stringContaining('without a pinned lab file (lab.yaml)') as unknown,
    });
    renameSync(join(root, 'elsewhere', 'portable'), join(root, 'elsewhere', 'renamed'));
    await expect(openSession({ lab: join(root, 'elsewhere', 'renamed') })).rejects.toMatchObject({
      name: 'UsageError',
      fix: expect.stringContaining('name the directory portable') as unknown,
    });
  });
});
