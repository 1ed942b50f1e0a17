import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshHostKeyRefused, SshPool, type SshHost } from '../../../src/ssh/index.js';
import { fingerprintOf, keygen, knownHostsLineFor, startSshd, type Sshd } from './sshd-fixture.js';

let sshd: Sshd;
let dir: string;
let host: SshHost;
let fileCount = 0;

beforeAll(async () => {
  sshd = await startSshd();
  dir = mkdtempSync(join(tmpdir(), 'kthw-host-keys-'));
  host = { name: 'box', address: '127.0.0.1', port: sshd.port, user: 'root', identity: sshd.clientKey.path };
});
afterAll(async () => {
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function knownHosts(text: string): string {
  const path = join(dir, `known_hosts_${++fileCount}`);
  writeFileSync(path, text);
  return path;
}

/** Connects with a fresh pool trusting `files`; returns the remote `hostname` or throws. */
async function tryConnect(files: string[], target: SshHost = host, extra: { acceptNewHostKeysInto?: string } = {}): Promise<string> {
  const pool = new SshPool({ knownHostsFiles: files, ...extra });
  try {
    return (await pool.exec(target, 'echo connected')).stdout;
  } finally {
    await pool.close();
  }
}

async function refusal(files: string[], target: SshHost = host): Promise<SshHostKeyRefused> {
  const error = await tryConnect(files, target).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SshHostKeyRefused);
  return error as SshHostKeyRefused;
}

describe('host keys that known_hosts vouches for', () => {
  it('a plain [host]:port entry', async () => {
    expect(await tryConnect([knownHosts(`${knownHostsLineFor(sshd, 'ed25519')}\n`)])).toBe('connected\n');
  });

  it('a comma list among other names, in the second file given', async () => {
    const key = sshd.hostKeys.ed25519;
    const file = knownHosts(`box,box.kubernetes.local,[127.0.0.1]:${sshd.port} ${key.type} ${key.base64}\n`);
    expect(await tryConnect([join(dir, 'absent'), file])).toBe('connected\n');
  });

  it('an entry hashed by ssh-keygen -H', async () => {
    const file = knownHosts(`${knownHostsLineFor(sshd, 'ed25519')}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', file], { stdio: 'ignore' });
    expect(readFileSync(file, 'utf8')).toMatch(/^\|1\|\S+\|\S+ ssh-ed25519 /);
    expect(await tryConnect([file])).toBe('connected\n');
  });

  it('only an RSA or only an ECDSA key known: that type is negotiated', async () => {
    expect(await tryConnect([knownHosts(`${knownHostsLineFor(sshd, 'rsa')}\n`)])).toBe('connected\n');
    expect(await tryConnect([knownHosts(`${knownHostsLineFor(sshd, 'ecdsa')}\n`)])).toBe('connected\n');
  });

  it('over IPv6 loopback, recorded as [::1]:port', async () => {
    const v6 = { ...host, address: '::1' };
    expect(await tryConnect([knownHosts(`${knownHostsLineFor(sshd, 'ed25519', '::1')}\n`)], v6)).toBe('connected\n');
    // The IPv4 entry does not vouch for the IPv6 address.
    await refusal([knownHosts(`${knownHostsLineFor(sshd, 'ed25519')}\n`)], v6);
  });

  it('the same files OpenSSH accepts (cross-check with the real ssh client)', async () => {
    const file = knownHosts(`${knownHostsLineFor(sshd, 'ed25519')}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', file], { stdio: 'ignore' });
    const out = execFileSync(
      'ssh',
      [
        '-F',
        '/dev/null',
        '-o',
        'BatchMode=yes',
        '-o',
        'StrictHostKeyChecking=yes',
        '-o',
        `UserKnownHostsFile=${file}`,
        '-o',
        'GlobalKnownHostsFile=/dev/null',
        '-i',
        sshd.clientKey.path,
        '-p',
        String(sshd.port),
        'root@127.0.0.1',
        'echo connected',
      ],
      { encoding: 'utf8' },
    );
    expect(out).toBe('connected\n');
    expect(await tryConnect([file])).toBe('connected\n');
  });
});

describe('host keys refused', () => {
  it('unknown host: refused with the offered key fingerprint and the line to add', async () => {
    const error = await refusal([knownHosts(`[127.0.0.1]:1 ssh-ed25519 ${sshd.hostKeys.ed25519.base64}\n`)]);
    const expected = fingerprintOf(`${sshd.hostKeys.ed25519.path}.pub`);
    expect(expected).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(error.problem).toBe('unknown');
    expect(error.fingerprint).toBe(expected);
    expect(error.message).toContain(expected);
    expect(error.fix).toContain(knownHostsLineFor(sshd, 'ed25519'));
    expect(error.fix).toContain('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub');
  });

  it('no known_hosts file at all: unknown, never accepted', async () => {
    const error = await refusal([join(dir, 'does-not-exist')]);
    expect(error.problem).toBe('unknown');
  });

  it('changed key: refused loudly naming both fingerprints', async () => {
    const impostor = keygen(join(dir, 'impostor'), 'ed25519');
    const file = knownHosts(`[127.0.0.1]:${sshd.port} ${impostor.type} ${impostor.base64}\n`);
    const error = await refusal([file]);
    expect(error.problem).toBe('changed');
    expect(error.message).toMatch(/HOST KEY CHANGED/);
    expect(error.message).toContain(fingerprintOf(`${sshd.hostKeys.ed25519.path}.pub`));
    expect(error.message).toContain(fingerprintOf(`${impostor.path}.pub`));
    expect(error.message).toContain(`${file}:1`);
    expect(error.fix).toContain(`ssh-keygen -R '[127.0.0.1]:${sshd.port}' -f ${file}`);
  });

  it('revoked key: refused even with a line trusting it', async () => {
    const key = sshd.hostKeys.ed25519;
    const error = await refusal([knownHosts(`${knownHostsLineFor(sshd, 'ed25519')}\n@revoked * ${key.type} ${key.base64}\n`)]);
    expect(error.problem).toBe('revoked');
    expect(error.message).toMatch(/REVOKED/);
  });
});

describe('recording new keys', () => {
  it('only into the file the caller names; later connections trust it, a changed key is still refused', async () => {
    const generated = join(dir, 'generated_known_hosts');
    expect(await tryConnect([generated], host, { acceptNewHostKeysInto: generated })).toBe('connected\n');
    const recorded = readFileSync(generated, 'utf8');
    expect(recorded.trim().split('\n')).toHaveLength(1);
    expect(recorded).toContain(`[127.0.0.1]:${sshd.port} ssh-ed25519 `);
    expect(await tryConnect([generated])).toBe('connected\n');

    const impostor = keygen(join(dir, 'impostor2'), 'ed25519');
    const pinned = knownHosts(`[127.0.0.1]:${sshd.port} ${impostor.type} ${impostor.base64}\n`);
    const pool = new SshPool({ knownHostsFiles: [pinned], acceptNewHostKeysInto: pinned });
    await expect(pool.exec(host, 'true')).rejects.toMatchObject({ problem: 'changed' });
    await pool.close();
  });
});
