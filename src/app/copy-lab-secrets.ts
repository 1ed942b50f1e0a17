/**
 * `kthw replay --to OTHER-LAB`: the other lab's directory gets the source lab's PKI, the jumpbox's
 * SSH key pair and the encryption config, so the replayed machines hold the same keys. A file the
 * target already has with different bytes is never overwritten (that would lose its keys).
 */
import { chmod, copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../util/errors.js';

/** Lab-directory relative paths copied, as [directory, file filter]. */
const copied: Array<[string, (name: string) => boolean]> = [
  ['pki', () => true],
  ['ssh', (name) => name.startsWith('jumpbox_')],
  ['secrets', () => true],
];

const isPrivate = (name: string) => !name.endsWith('.crt') && !name.endsWith('.pub');

/** Copies what is missing; returns the relative paths copied. */
export async function copyLabSecrets(sourceDir: string, targetDir: string): Promise<string[]> {
  const done: string[] = [];
  for (const [dir, wanted] of copied) {
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
          fix: 'replay with --new-pki to keep the target lab\'s own keys, or move its file away to take the source lab\'s',
        });
      }
      await copyFile(from, to);
      await chmod(to, isPrivate(name) ? 0o600 : 0o644);
      done.push(`${dir}/${name}`);
    }
  }
  return done;
}
