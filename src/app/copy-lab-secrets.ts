/**
 * `kthw replay --to OTHER-LAB`: the other lab's directory gets what the chapters name as their
 * secrets (ChapterModule.secrets: the PKI, the jumpbox's SSH key pair, the encryption config), so
 * the replayed machines hold the same keys. A file the target already has with different bytes is
 * never overwritten (that would lose its keys).
 */
import { chmod, copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChapterModule } from '../plan/chapter.js';
import { UsageError } from '../util/errors.js';

/** The lab-directory paths the chapters name as their secrets (`dir/` for a whole directory). */
export const labSecrets = (modules: readonly ChapterModule[]) => [...new Set(modules.flatMap((m) => m.secrets ?? []))];

/** The secrets as [directory, file filter]. */
function copied(secrets: readonly string[]): Array<[string, (name: string) => boolean]> {
  const byDir = new Map<string, Array<(name: string) => boolean>>();
  for (const path of secrets) {
    const slash = path.replace(/\/$/, '').lastIndexOf('/');
    const dir = path.endsWith('/') ? path.slice(0, -1) : slash < 0 ? '.' : path.slice(0, slash);
    const file = path.endsWith('/') ? undefined : path.slice(slash + 1);
    byDir.set(dir, [...(byDir.get(dir) ?? []), file === undefined ? () => true : (name) => name === file]);
  }
  return [...byDir].map(([dir, filters]) => [dir, (name) => filters.some((f) => f(name))]);
}

const isPrivate = (name: string) => !name.endsWith('.crt') && !name.endsWith('.pub');

/** Copies what is missing of `secrets` (see labSecrets); returns the relative paths copied. */
export async function copyLabSecrets(sourceDir: string, targetDir: string, secrets: readonly string[]): Promise<string[]> {
  const done: string[] = [];
  for (const [dir, wanted] of copied(secrets)) {
    const names = await readdir(join(sourceDir, dir)).catch(() => [] as string[]);
    const files = names.filter((name) => wanted(name) && !name.startsWith('.'));
    if (files.length === 0) continue;
    await mkdir(join(targetDir, dir), { recursive: true, mode: 0o700 });
    await chmod(join(targetDir, dir), 0o700);
    for (const name of files) {
      const from = join(sourceDir, dir, name);
      const to = join(targetDir, dir, name);
      const [source, existing] = await Promise.all([readFile(from), readFile(to).catch(() => undefined)]);
      if (existing !== undefined) {
        if (existing.equals(source)) continue;
        throw new UsageError(`${to} already exists with other content than ${from}`, {
          where: 'kthw replay --to',
          fix: "replay with --new-pki to keep the target lab's own keys, or move its file away to take the source lab's",
        });
      }
      await copyFile(from, to);
      await chmod(to, isPrivate(name) ? 0o600 : 0o644);
      done.push(`${dir}/${name}`);
    }
  }
  return done;
}
