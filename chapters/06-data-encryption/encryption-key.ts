/**
 * The data encryption key of chapter 06: 32 random bytes in an EncryptionConfiguration (aescbc
 * first, identity second so data written before encryption stays readable), kept in the lab
 * directory as `secrets/encryption-config.yaml`. Made once: a second run keeps the key, since a new
 * key would make every secret already written unreadable. The key is never printed or logged.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Generator, labDirPath, UsageError } from '../kit.js';

export const encryptionConfigSecret = 'secrets/encryption-config.yaml';
export const encryptionKeyBytes = 32;

/** The configuration the API server reads (`--encryption-provider-config`). */
export function encryptionConfigYaml(keyBase64: string): string {
  return [
    'kind: EncryptionConfiguration',
    'apiVersion: apiserver.config.k8s.io/v1',
    'resources:',
    '  - resources:',
    '      - secrets',
    '    providers:',
    '      - aescbc:',
    '          keys:',
    '            - name: key1',
    `              secret: ${keyBase64}`,
    '      - identity: {}',
    '',
  ].join('\n');
}

/** The first `secret:` value decoded, or undefined when the file has none that is base64. */
export function keyOf(yaml: string): Buffer | undefined {
  const value = /^\s*secret:\s*(\S+)\s*$/m.exec(yaml)?.[1];
  if (value === undefined || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
  return Buffer.from(value, 'base64');
}

/** Makes `secrets/encryption-config.yaml` unless a valid one is there; returns whether it made one. */
export async function ensureEncryptionConfig(labDir: string): Promise<boolean> {
  const dir = labDirPath(labDir, 'secrets');
  const path = join(labDir, encryptionConfigSecret);
  const existing = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new UsageError(`cannot read ${path}: ${error.message}`, { where: path, fix: 'check the permissions of the lab directory' });
  });
  if (existing !== undefined) {
    if (keyOf(existing)?.length !== encryptionKeyBytes) {
      // Never replaced silently: the cluster may hold secrets encrypted with whatever key is there.
      throw new UsageError(`${path} holds no ${encryptionKeyBytes}-byte aescbc key`, {
        where: path,
        fix: 'restore the file from a backup; only if the cluster stores no secrets yet, delete it and run chapter 6 again',
      });
    }
    await chmod(dir, 0o700);
    await chmod(path, 0o600);
    return false;
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const scratch = `${path}.${process.pid}.tmp`;
  await writeFile(scratch, encryptionConfigYaml(randomBytes(encryptionKeyBytes).toString('base64')), { mode: 0o600, flag: 'wx' });
  await rename(scratch, path);
  return true;
}

/** The chapter's generator (`generate encryption-key`): `secrets/encryption-config.yaml` with a fresh 32-byte key, kept once made. */
export const encryptionKeyGenerator: Generator = async (_items, { labDir }) => ensureEncryptionConfig(labDir);
