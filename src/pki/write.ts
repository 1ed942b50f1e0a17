import { lstat, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../util/errors.js';
import type { PemPair, PkiResult } from './types.js';

const safeId = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/;

/**
 * Writes `<id>.crt` (0644) and `<id>.key` (0600) for every entry into `dir` (created 0700). Each
 * file is written beside its final name and renamed over it, so a reader never sees half a key
 * and an older, looser-moded file is replaced rather than reused.
 */
export async function writePki(dir: string, result: PkiResult): Promise<void> {
  for (const id of Object.keys(result)) {
    if (!safeId.test(id)) {
      throw new UsageError(`"${id}" cannot name a certificate file`, {
        where: dir,
        fix: 'Certificate ids are lowercase letters, digits, dots and dashes (they come from host names).',
      });
    }
  }
  await preparePrivateDir(dir);
  await Promise.all(
    Object.entries(result).flatMap(([id, pair]) => [
      writeAtomically(join(dir, `${id}.crt`), pair.certPem, 0o644),
      writeAtomically(join(dir, `${id}.key`), pair.keyPem, 0o600),
    ]),
  );
}

/** The CA an earlier `writePki` left in `dir`, to sign new certificates with; undefined if none. */
export async function readCa(dir: string): Promise<PemPair | undefined> {
  const read = (name: string) =>
    readFile(join(dir, name), 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined;
      throw e;
    });
  const [certPem, keyPem] = await Promise.all([read('ca.crt'), read('ca.key')]);
  if (certPem === undefined && keyPem === undefined) return undefined;
  if (certPem === undefined || keyPem === undefined) {
    throw new UsageError(`${join(dir, certPem === undefined ? 'ca.crt' : 'ca.key')} is missing but its partner is there`, {
      where: dir,
      fix: 'Restore the missing CA file; or move both away to start a new CA (every certificate will be re-issued).',
    });
  }
  return { certPem, keyPem };
}

async function preparePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const stat = await lstat(dir);
  if (!stat.isDirectory()) {
    throw new UsageError(`${dir} is not a directory`, { where: dir, fix: 'Choose a directory for the certificates.' });
  }
  if ((stat.mode & 0o077) !== 0) {
    throw new UsageError(`${dir} is open to other users (mode ${(stat.mode & 0o777).toString(8)}); private keys stay out of it`, {
      where: dir,
      fix: `Run \`chmod 700 ${dir}\` or choose a new directory.`,
    });
  }
}

async function writeAtomically(path: string, content: string, mode: number): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await rm(temporary, { force: true });
  const handle = await open(temporary, 'wx', mode);
  try {
    await handle.writeFile(content);
    await handle.chmod(mode); // the umask may have narrowed a certificate's 0644
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
}
