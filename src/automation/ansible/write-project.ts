/**
 * Writes the Ansible project to a directory: the files of `buildAnsibleProject`, the certificates
 * and public keys in `group_vars/all/public.yml`, and the private keys and encryption config in
 * `group_vars/all/vault.yml`, encrypted by the real `ansible-vault` before it reaches the directory.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { EnvironmentError, UsageError } from '../../util/errors.js';
import { replaceManifest } from './export-manifest.js';
import { buildAnsibleProject, vaultPasswordFile, type AnsibleProject, type ExportChapter } from './project.js';
import type { Lab } from '../../lab/types.js';
import { isVaulted, secretVarName } from './secret-vars.js';
import { yamlDocument } from './yaml-text.js';

export interface WrittenProject {
  dir: string;
  project: AnsibleProject;
  vaulted: string[];
  public: string[];
}

export async function writeAnsibleProject(lab: Lab, labDir: string, chapters: ExportChapter[], outDir: string): Promise<WrittenProject> {
  const dir = resolve(outDir);
  const project = buildAnsibleProject(lab, labDir, chapters);
  const secrets = [...project.secrets].sort();
  const contents = new Map<string, string>();
  const missing: string[] = [];
  for (const secret of secrets) {
    const text = await readFile(join(labDir, secret), 'utf8').catch(() => undefined);
    if (text === undefined) missing.push(secret);
    else contents.set(secret, text);
  }
  if (missing.length > 0) {
    throw new UsageError(`the lab directory ${labDir} lacks ${missing.join(', ')}, which the exported roles place on the machines`, {
      where: 'kthw export ansible',
      fix: 'run the chapters that generate them first (kthw run chapter-3, chapter-4, chapter-6), then export again',
    });
  }
  await mkdir(dir, { recursive: true });
  for (const [path, text] of project.files) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  const vaulted = secrets.filter(isVaulted);
  const open = secrets.filter((s) => !isVaulted(s));
  await mkdir(join(dir, 'group_vars', 'all'), { recursive: true });
  await writeFile(
    join(dir, 'group_vars/all/public.yml'),
    yamlDocument(
      Object.fromEntries(open.map((s) => [secretVarName(s), contents.get(s)!])),
      'Certificates and public keys from the lab directory (not secret).',
    ),
  );
  const password = await ensureVaultPassword(labDir);
  await encryptInto(
    yamlDocument(
      Object.fromEntries(vaulted.map((s) => [secretVarName(s), contents.get(s)!])),
      'Private keys and the encryption config from the lab directory.',
    ),
    join(dir, 'group_vars/all/vault.yml'),
    password,
    labDir,
  );
  await replaceManifest(dir, [...project.files.keys(), 'group_vars/all/public.yml', 'group_vars/all/vault.yml']);
  return { dir, project, vaulted, public: open };
}

/** `<labdir>/ansible-vault-password`, 0600, made with random content when absent. */
export async function ensureVaultPassword(labDir: string): Promise<string> {
  const path = vaultPasswordFile(labDir);
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) await writeFile(path, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(path, 0o600);
  return path;
}

/**
 * The clear text is written only inside the lab directory (0700), encrypted to `target`, then removed.
 * A vault that already holds exactly this text is left as it is: encryption is salted, so writing it
 * again would change every line of a committed export whose secrets did not change.
 */
async function encryptInto(text: string, target: string, passwordFile: string, labDir: string): Promise<void> {
  const current = await promisify(execFile)('ansible-vault', ['view', '--vault-password-file', passwordFile, target]).then(
    (result) => result.stdout,
    () => undefined, // absent, or not ours to read: written anew
  );
  if (current === text) return;
  const clear = join(labDir, `.vault-${process.pid}-${randomBytes(4).toString('hex')}.yml`);
  await writeFile(clear, text, { mode: 0o600 });
  try {
    await rm(target, { force: true });
    await promisify(execFile)('ansible-vault', ['encrypt', '--vault-password-file', passwordFile, '--output', target, clear]);
  } catch (error) {
    throw new EnvironmentError(`ansible-vault could not encrypt the secrets: ${(error as Error).message}`, {
      where: target,
      fix: 'install Ansible (apt-get install ansible-core); kthw doctor lists what is missing',
      cause: error,
    });
  } finally {
    await rm(clear, { force: true });
  }
}
