import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshConnectError, SshConnectionLost, SshHostKeyRefused, SshPool, parseSshConfig, sshHostFromConfig, type SshHost } from '../../../src/ssh/index.js';
import { fingerprintOf, knownHostsLineFor, processesMatching, startSshd, type Sshd } from './sshd-fixture.js';

let jumpSshd: Sshd;
let targetSshd: Sshd;
let dir: string;
let bothKnown: string;
let jump: SshHost;
let target: SshHost;

beforeAll(async () => {
  jumpSshd = await startSshd({ config: ['AllowTcpForwarding yes'] });
  targetSshd = await startSshd({ clientKey: jumpSshd.clientKey });
  dir = mkdtempSync(join(tmpdir(), 'kthw-proxy-jump-'));
  bothKnown = join(dir, 'known_hosts');
  writeFileSync(bothKnown, `${knownHostsLineFor(jumpSshd, 'ed25519')}\n${knownHostsLineFor(targetSshd, 'ed25519')}\n`);
  jump = { name: 'jumpbox', address: '127.0.0.1', port: jumpSshd.port, user: 'root', identity: jumpSshd.clientKey.path };
  target = { name: 'server', address: '127.0.0.1', port: targetSshd.port, user: 'root', identity: jumpSshd.clientKey.path, jump };
});
afterAll(async () => {
  await targetSshd?.stop();
  await jumpSshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The pid owning the local TCP socket with this source port (who opened the connection). */
function socketOwner(sourcePort: string): number {
  const line = execFileSync('ss', ['-tnpH', `sport = :${sourcePort}`], { encoding: 'utf8' });
  return Number(/pid=(\d+)/.exec(line)?.[1]);
}

describe('ProxyJump', () => {
  it('reaches the target through the jump host connection (the target sees the jump sshd as its client)', async () => {
    const pool = new SshPool({ hosts: [jump, target], knownHostsFiles: [bothKnown] });
    const result = await pool.exec('server', 'echo $SSH_CONNECTION');
    expect(result.code).toBe(0);
    const [, sourcePort, , port] = result.stdout.trim().split(' ');
    expect(port).toBe(String(targetSshd.port));
    expect(jumpSshd.sessionPids()).toContain(socketOwner(sourcePort!));
    // The jump host's connection is pooled and usable too.
    expect((await pool.exec('jumpbox', 'echo jump')).stdout).toBe('jump\n');
    await pool.upload('server', join(dir, 'via-jump'), 'through\n', { mode: '0600' });
    expect((await pool.exec('server', `cat ${join(dir, 'via-jump')}`)).stdout).toBe('through\n');
    await pool.close();
  });

  it("verifies the target's key too: unknown target refused with its fingerprint", async () => {
    const onlyJump = join(dir, 'only-jump');
    writeFileSync(onlyJump, `${knownHostsLineFor(jumpSshd, 'ed25519')}\n`);
    const pool = new SshPool({ knownHostsFiles: [onlyJump] });
    const error = await pool.exec(target, 'true').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshHostKeyRefused);
    expect((error as SshHostKeyRefused).host).toBe('server');
    expect((error as SshHostKeyRefused).message).toContain('via jumpbox');
    expect((error as SshHostKeyRefused).fingerprint).toBe(fingerprintOf(`${targetSshd.hostKeys.ed25519.path}.pub`));
    await pool.close();
  });

  it("and the jump host's: unknown jump host refused before the target is tried", async () => {
    const onlyTarget = join(dir, 'only-target');
    writeFileSync(onlyTarget, `${knownHostsLineFor(targetSshd, 'ed25519')}\n`);
    const pool = new SshPool({ knownHostsFiles: [onlyTarget] });
    const error = await pool.exec(target, 'true').catch((e: unknown) => e);
    expect(error).toMatchObject({ host: 'jumpbox', problem: 'unknown' });
    await pool.close();
  });

  it('a jump host that forbids forwarding: a clear error naming both hosts', async () => {
    const strict = await startSshd({ clientKey: jumpSshd.clientKey, config: ['AllowTcpForwarding no'] });
    try {
      const known = join(dir, 'strict-known');
      writeFileSync(known, `${knownHostsLineFor(strict, 'ed25519')}\n${knownHostsLineFor(targetSshd, 'ed25519')}\n`);
      const strictJump = { ...jump, name: 'strict', port: strict.port };
      const pool = new SshPool({ knownHostsFiles: [known] });
      const error = await pool.exec({ ...target, jump: strictJump }, 'true').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SshConnectError);
      expect((error as Error).message).toMatch(/jump host strict could not open a connection to server/);
      await pool.close();
    } finally {
      await strict.stop();
    }
  });

  it('when the jump connection drops, work on the target is reported lost and the next call rebuilds both', async () => {
    const pool = new SshPool({ knownHostsFiles: [bothKnown] });
    const running = pool.exec(target, 'sleep 17.31').catch((e: unknown) => e);
    for (let i = 0; i < 200 && processesMatching(targetSshd, 'sleep 17.31').length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    for (const pid of jumpSshd.sessionPids()) process.kill(pid, 'SIGKILL');
    const error = await running;
    expect(error).toBeInstanceOf(SshConnectionLost);
    expect((await pool.exec(target, 'echo rebuilt')).stdout).toBe('rebuilt\n');
    await pool.close();
  });

  it('works with hosts read from an ssh config (ProxyJump by alias)', async () => {
    const config = parseSshConfig(
      [
        'Host jumpbox',
        `  HostName 127.0.0.1`,
        `  Port ${jumpSshd.port}`,
        'Host server',
        `  HostName 127.0.0.1`,
        `  Port ${targetSshd.port}`,
        '  ProxyJump jumpbox',
        'Host *',
        '  User root',
        `  IdentityFile "${jumpSshd.clientKey.path}"`,
        `  UserKnownHostsFile ${bothKnown}`,
      ].join('\n'),
      'test-config',
    );
    const server = sshHostFromConfig(config, 'server');
    expect(server.jump?.name).toBe('jumpbox');
    const pool = new SshPool({ knownHostsFiles: [join(dir, 'none')] });
    expect((await pool.exec(server, 'echo via config')).stdout).toBe('via config\n');
    await pool.close();
  });
});
