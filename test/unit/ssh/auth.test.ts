import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshConnectError, SshIdentityError, SshPool, type SshHost } from '../../../src/ssh/index.js';
import { keygen, knownHostsLineFor, startSshd, type Sshd } from './sshd-fixture.js';

let sshd: Sshd;
let dir: string;
let knownHosts: string;
let agent: ChildProcess | undefined;
let host: SshHost;

beforeAll(async () => {
  sshd = await startSshd();
  dir = mkdtempSync(join(tmpdir(), 'kthw-ssh-auth-'));
  knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `${knownHostsLineFor(sshd, 'ed25519')}\n`);
  host = { name: 'box', address: '127.0.0.1', port: sshd.port, user: 'root' };
});
afterAll(async () => {
  if (agent?.pid) agent.kill('SIGTERM');
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function run(target: SshHost, agentSocket?: string): Promise<string> {
  const pool = new SshPool({ knownHostsFiles: [knownHosts], agentSocket: agentSocket ?? '' });
  try {
    return (await pool.exec(target, 'id -un')).stdout;
  } finally {
    await pool.close();
  }
}

describe('identity files', () => {
  it('a 0600 key logs in', async () => {
    expect(await run({ ...host, identity: sshd.clientKey.path })).toBe('root\n');
  });

  it('refuses a key file group or others can read, as OpenSSH does, saying how to fix it', async () => {
    for (const mode of [0o644, 0o640, 0o604]) {
      const copy = join(dir, `open-key-${mode.toString(8)}`);
      copyFileSync(sshd.clientKey.path, copy);
      chmodSync(copy, mode);
      const error = await run({ ...host, identity: copy }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SshIdentityError);
      expect((error as SshIdentityError).message).toContain(`permissions 0${mode.toString(8)}`);
      expect((error as SshIdentityError).fix).toBe(`chmod 600 ${copy}`);
    }
  });

  it('says clearly when the key is missing, passphrase-protected, or not accepted by the host', async () => {
    await expect(run({ ...host, identity: join(dir, 'nope') })).rejects.toThrow(/cannot read the SSH identity file/);

    const locked = join(dir, 'locked');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'secret passphrase', '-f', locked]);
    await expect(run({ ...host, identity: locked })).rejects.toThrow(/protected by a passphrase/);

    const stranger = keygen(join(dir, 'stranger'), 'ed25519');
    const error = await run({ ...host, identity: stranger.path }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshConnectError);
    expect((error as Error).message).toMatch(/refused authentication as root/);
  });
});

describe('ssh-agent', () => {
  it('is used when the host has no identity and an agent socket is set', async () => {
    const socket = join(dir, 'agent.sock');
    agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 20));
    execFileSync('ssh-add', ['-q', sshd.clientKey.path], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'ignore' });
    expect(await run(host, socket)).toBe('root\n');
  });

  it('no identity and no agent: a clear error before any connection', async () => {
    await expect(run(host, '')).rejects.toThrow(/no identity file and SSH_AUTH_SOCK is not set/);
  });
});
