import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chapters } from '../../../chapters/index.js';
import { builtinLabPath, loadLab } from '../../../src/lab/load.js';

const root = join(import.meta.dirname, '../../../chapters');

// A chapter's id, number and slug are its folder's name (`NN-slug` → chapter-N, N, NN-slug): the
// folder is the one source, the meta must say the same, and every chapter folder is registered.
describe('chapter folders', () => {
  it('every folder NN-slug is registered, and nothing else is', () => {
    const folders = readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isDirectory() && /^\d{2}-/.test(e.name))
      .map((e) => e.name);
    expect(chapters.map((c) => c.meta.slug).sort()).toEqual(folders.sort());
  });

  it.each(chapters.map((c) => [c.meta.slug, c] as const))(
    '%s: id, number and slug come from the folder name; its plan says the same id',
    async (slug, chapter) => {
      const number = Number(slug.slice(0, 2));
      expect(chapter.meta).toMatchObject({ id: `chapter-${number}`, number, slug });
      expect(existsSync(join(root, slug, 'index.ts'))).toBe(true);
      expect(existsSync(join(root, slug, 'lesson.md'))).toBe(true);
      const lab = await loadLab(builtinLabPath(chapter.meta.tracks.includes('classic') ? 'classic' : 'ipv6-ha'));
      expect(chapter.plan(lab, {}).chapter).toBe(chapter.meta.id);
    },
  );
});
