import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** Mode of the final file (applied with chmod, so the umask cannot widen or narrow it). */
  mode?: number;
}

/** Temp files of `path` are named `.<name>.<pid>.<random>.tmp` next to it: same directory, same filesystem. */
export function tempFilePrefix(path: string): string {
  return `.${basename(path)}.`;
}

export function isTempFileOf(path: string, candidate: string): boolean {
  return candidate.startsWith(tempFilePrefix(path)) && candidate.endsWith('.tmp');
}

/**
 * Replace `path` so that a reader, or a crash at any instant, sees either the old content or the
 * new, never a mix: write a temp file in the same directory, fsync it, rename it over `path`, then
 * fsync the directory so the rename itself survives a power loss.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const mode = options.mode ?? 0o644;
  const dir = dirname(path);
  const temp = join(dir, `${tempFilePrefix(path)}${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const file = await open(temp, 'wx', mode);
  try {
    try {
      await file.chmod(mode);
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await fsyncDirectory(dir);
}

export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
