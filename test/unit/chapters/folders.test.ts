import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { chapters } from '../../../chapters/index.js';
import { builtinLabPath, loadLab } from '../../../src/lab/load.js';
import { chapterFolder } from '../../../src/plan/chapter-folder.js';
import { UsageError } from '../../../src/util/errors.js';

const root = join(import.meta.dirname, '../../../chapters');

// A chapter's id, number and slug are its folder's name (`NN-slug` → chapter-N, N, NN-slug), read by
// chapterFolder(import.meta.url): the folder is the one source, and every chapter folder is registered.
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

describe('chapterFolder', () => {
  const of = (path: string) => chapterFolder(pathToFileURL(path).href);

  it('reads id, number and slug from the name of the folder the file is in', () => {
    expect(of('/any/where/chapters/04-certificate-authority/certificates.ts')).toEqual({ id: 'chapter-4', number: 4, slug: '04-certificate-authority' });
    expect(of('/x/test/fixtures/chapters/90-stamp/index.ts')).toEqual({ id: 'chapter-90', number: 90, slug: '90-stamp' });
  });

  it('refuses a file outside a folder named NN-slug', () => {
    for (const path of ['/x/chapters/kit.ts', '/x/chapters/4-ca/index.ts', '/x/chapters/04_ca/index.ts', '/x/chapters/04-CA/index.ts']) {
      expect(() => of(path)).toThrow(UsageError);
    }
  });
});
