import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../util/errors.js';
import type { ChapterMeta } from './types.js';

/** What a chapter's folder name says: `04-certificate-authority` is chapter-4, number 4, that slug. */
export type ChapterFolder = Pick<ChapterMeta, 'id' | 'number' | 'slug'>;

const folderName = /^([0-9]{2})-[a-z0-9-]+$/;

/**
 * The id, number and slug of the chapter whose folder holds the calling file: pass the file's
 * `import.meta.url`. The folder name is the one place they are written. (Bundled, every chapter file
 * keeps its own source URL: scripts/build.mjs writes it in for `import.meta.url`.)
 */
export function chapterFolder(moduleUrl: string): ChapterFolder {
  const slug = basename(dirname(fileURLToPath(moduleUrl)));
  const match = folderName.exec(slug);
  if (!match) {
    throw new UsageError(`${fileURLToPath(moduleUrl)} is not in a chapter folder`, {
      fix: 'a chapter is a folder named NN-slug (two digits, a dash, lowercase words joined by dashes)',
    });
  }
  const number = Number(match[1]);
  return { id: `chapter-${number}`, number, slug };
}
