import { chmodSync, mkdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EnvironmentError, UsageError } from '../../../src/util/errors.js';
import { defaultStateRoot, ensureLabDir, labDir } from '../../../src/state/index.js';
import { tempRoot } from './helpers.js';

let root: string;
beforeEach(() => {
  root = tempRoot('kthw-labdir-');
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(root, { recursive: true, force: true });
});

const mode = (path: string) => statSync(path).mode & 0o777;

describe('labDir', () => {
  it('puts a lab under $KTHW_HOME, else under ./.kthw', () => {
    vi.stubEnv('KTHW_HOME', root);
    expect(defaultStateRoot()).toBe(root);
    expect(labDir('classic').stateFile).toBe(join(root, 'classic', 'state.json'));
    vi.stubEnv('KTHW_HOME', '');
    expect(labDir('classic').dir).toBe(resolve('.kthw', 'classic'));
  });

  it('names every part of the lab directory', () => {
    const paths = labDir('ipv6-ha', root);
    expect(paths).toEqual({
      dir: join(root, 'ipv6-ha'),
      stateFile: join(root, 'ipv6-ha', 'state.json'),
      lockFile: join(root, 'ipv6-ha', 'state.lock'),
      pki: join(root, 'ipv6-ha', 'pki'),
      generated: join(root, 'ipv6-ha', 'generated'),
      ssh: join(root, 'ipv6-ha', 'ssh'),
    });
  });

  it.each(['..', '../etc', 'a/b', 'Classic', '', 'a b', '-lab', 'lab-', 'x'.repeat(64), 'lab;rm', '$(id)'])('refuses the lab name %j', (name) => {
    expect(() => labDir(name, root)).toThrow(UsageError);
  });
});

describe('ensureLabDir', () => {
  it('creates the directories with private modes', async () => {
    const paths = await ensureLabDir('classic', root);
    expect(mode(paths.dir)).toBe(0o700);
    expect(mode(paths.pki)).toBe(0o700);
    expect(mode(paths.ssh)).toBe(0o700);
    expect(mode(paths.generated)).toBe(0o755);
  });

  it('tightens modes that are too open, key files found by name or by content', async () => {
    const paths = await ensureLabDir('classic', root);
    const { privateKey } = generateKeyPairSync('ec', {
      namedCurve: 'P-256',
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    mkdirSync(join(paths.pki, 'etcd'));
    const files: Array<[string, string, number]> = [
      [join(paths.pki, 'ca.key'), privateKey, 0o600],
      [join(paths.pki, 'ca.crt'), '-----BEGIN CERTIFICATE-----\n', 0o644],
      [join(paths.pki, 'etcd', 'server-key.pem'), 'x', 0o600],
      [join(paths.pki, 'etcd', 'unnamed'), privateKey, 0o600],
      [join(paths.ssh, 'id_ed25519'), '-----BEGIN OPENSSH PRIVATE KEY-----\n', 0o600],
      [join(paths.ssh, 'id_ed25519.pub'), 'ssh-ed25519 AAAA', 0o644],
      [join(paths.ssh, 'known_hosts'), 'node-0 ssh-ed25519 AAAA', 0o644],
    ];
    for (const [path, content] of files) writeFileSync(path, content, { mode: 0o644 });
    chmodSync(paths.pki, 0o755);
    chmodSync(join(paths.pki, 'etcd'), 0o777);
    chmodSync(paths.ssh, 0o711);
    chmodSync(paths.dir, 0o755);

    await ensureLabDir('classic', root);

    expect(mode(paths.dir)).toBe(0o700);
    expect(mode(paths.pki)).toBe(0o700);
    expect(mode(join(paths.pki, 'etcd'))).toBe(0o700);
    expect(mode(paths.ssh)).toBe(0o700);
    for (const [path, , expected] of files) expect([path, mode(path)]).toEqual([path, expected]);
  });

  it('refuses a pki that is not a directory', async () => {
    mkdirSync(join(root, 'classic'), { recursive: true });
    writeFileSync(join(root, 'classic', 'pki'), 'not a dir');
    await expect(ensureLabDir('classic', root)).rejects.toThrow(EnvironmentError);
  });

  it('refuses a pki that is a symbolic link', async () => {
    mkdirSync(join(root, 'classic'), { recursive: true });
    mkdirSync(join(root, 'elsewhere'));
    symlinkSync(join(root, 'elsewhere'), join(root, 'classic', 'pki'));
    await expect(ensureLabDir('classic', root)).rejects.toThrow(/symbolic link/);
  });
});
