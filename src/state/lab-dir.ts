import { chmod, lstat, mkdir, open, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { EnvironmentError, UsageError } from '../util/errors.js';

/** The files and directories of one lab's directory. */
export interface LabPaths {
  /** `<root>/<lab-name>/`, mode 0700. */
  dir: string;
  stateFile: string;
  lockFile: string;
  /** Certificates and private keys (0700; keys 0600). */
  pki: string;
  /** Rendered configuration files kept for inspection and export. */
  generated: string;
  /** The lab's SSH key, pinned host keys, ssh_config (0700). */
  ssh: string;
}

const labNamePattern = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** `$KTHW_HOME`, or `.kthw` under the current directory. */
export function defaultStateRoot(): string {
  const home = process.env.KTHW_HOME;
  return resolve(home !== undefined && home !== '' ? home : '.kthw');
}

export function labDir(labName: string, root: string = defaultStateRoot()): LabPaths {
  // The name becomes a path component: a DNS-1123 label cannot climb out of the root.
  if (!labNamePattern.test(labName)) {
    throw new UsageError(`the lab name ${JSON.stringify(labName)} cannot name a lab directory`, {
      fix: 'use a DNS-1123 label as the lab name: lower-case letters, digits and dashes, at most 63',
    });
  }
  const dir = join(resolve(root), labName);
  return {
    dir,
    stateFile: join(dir, 'state.json'),
    lockFile: join(dir, 'state.lock'),
    pki: join(dir, 'pki'),
    generated: join(dir, 'generated'),
    ssh: join(dir, 'ssh'),
  };
}

const privateDirMode = 0o700;
const privateFileMode = 0o600;
const privateKeyNames = [/\.key$/, /-key\.pem$/, /_key$/, /^id_[a-z0-9]+$/];
const pemPrivateKey = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;

/** Create the lab directory and its parts, and tighten any mode that is too open. Returns its paths. */
export async function ensureLabDir(labName: string, root?: string): Promise<LabPaths> {
  const paths = labDir(labName, root);
  await ensureDirectory(paths.dir, privateDirMode);
  await ensureDirectory(paths.pki, privateDirMode);
  await ensureDirectory(paths.ssh, privateDirMode);
  await ensureDirectory(paths.generated, 0o755);
  await tightenPrivateTree(paths.pki);
  await tightenPrivateTree(paths.ssh);
  return paths;
}

async function ensureDirectory(path: string, mode: number): Promise<void> {
  try {
    await mkdir(path, { recursive: true, mode });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // EEXIST: something that is not a directory is in the way; reported below.
    if (code !== 'EEXIST') {
      throw new EnvironmentError(`cannot create the directory ${path} (${code ?? String(error)})`, {
        where: path,
        fix: 'make its parent writable by this user, or set KTHW_HOME to a directory that is',
        cause: error,
      });
    }
  }
  const info = await lstat(path);
  if (!info.isDirectory()) {
    throw new EnvironmentError(`${path} should be a directory but is ${info.isSymbolicLink() ? 'a symbolic link' : 'a file'}`, {
      where: path,
      fix: `move ${path} aside so kthw can create the directory itself`,
    });
  }
  if ((info.mode & 0o777) !== mode) await tighten(path, mode);
}

async function tighten(path: string, mode: number): Promise<void> {
  try {
    await chmod(path, mode);
  } catch (error) {
    throw new EnvironmentError(`cannot set mode ${mode.toString(8).padStart(4, '0')} on ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, {
      where: path,
      fix: `run kthw as the owner of ${path}, or fix its owner (chown) so private files stay private`,
      cause: error,
    });
  }
}

/** Subdirectories 0700, private key files 0600: found by name or by their PEM header. */
async function tightenPrivateTree(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      await ensureDirectory(path, privateDirMode);
      await tightenPrivateTree(path);
    } else if (entry.isFile() && (await isPrivateKeyFile(path, entry.name))) {
      const info = await lstat(path);
      if ((info.mode & 0o077) !== 0) await tighten(path, privateFileMode);
    }
  }
}

export async function isPrivateKeyFile(path: string, name: string): Promise<boolean> {
  if (name.endsWith('.pub')) return false;
  if (privateKeyNames.some((pattern) => pattern.test(name))) return true;
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(128);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return pemPrivateKey.test(head.subarray(0, bytesRead).toString('latin1'));
  } finally {
    await handle.close();
  }
}
