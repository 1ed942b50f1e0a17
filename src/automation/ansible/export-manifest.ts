/**
 * `.kthw-export` in an exported project lists the files kthw wrote there. Exporting again removes
 * the files the last export wrote and this one does not (a role or a template that is gone), and
 * never touches anything else: files the user added to the project are not in the list.
 */
import { readdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';

export const MANIFEST = '.kthw-export';

const header = '# Files written by kthw export ansible; the next export removes those it no longer writes.\n';

/** Writes the manifest for `written` (paths relative to `dir`) and removes what only the last one listed. */
export async function replaceManifest(dir: string, written: string[]): Promise<void> {
  const previous = await readManifest(dir);
  const now = new Set(written);
  const stale = previous.filter((path) => !now.has(path));
  for (const path of stale) {
    await rm(join(dir, path), { force: true });
    await removeEmptyParents(dir, dirname(path));
  }
  await writeFile(
    join(dir, MANIFEST),
    header +
      [...now]
        .sort()
        .map((p) => `${p}\n`)
        .join(''),
  );
}

/** The listed paths that stay inside the project; a line naming anything outside it is ignored. */
async function readManifest(dir: string): Promise<string[]> {
  const text = await readFile(join(dir, MANIFEST), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .filter((path) => !isAbsolute(path) && !normalize(path).split(sep).includes('..') && normalize(path) === path && path !== MANIFEST);
}

async function removeEmptyParents(dir: string, relative: string): Promise<void> {
  for (let current = relative; current !== '.' && current !== ''; current = dirname(current)) {
    const entries = await readdir(join(dir, current)).catch(() => undefined);
    if (entries === undefined || entries.length > 0) return;
    await rmdir(join(dir, current));
  }
}
