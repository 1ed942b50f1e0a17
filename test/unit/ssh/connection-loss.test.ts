import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshConnectError, SshConnectionLost, SshPool, type SshHost } from '../../../src/ssh/index.js';
import { freePort, knownHostsLineFor, processesMatching, startSshd, type Sshd } from './sshd-fixture.js';

let sshd: Sshd;
let dir: string;
let knownHosts: string;
let host: SshHost;

beforeAll(async () => {
  sshd = await startSshd();
  dir = mkdtempSync(join(tmpdir(), 'kthw-ssh-loss-'));
  knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `${knownHostsLineFor(sshd, 'ed25519')}\n`);
  host = { name: 'box', address: '127.0.0.1', port: sshd.port, user: 'root', identity: sshd.clientKey.path };
});
afterAll(async () => {
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function signalSessions(signal: NodeJS.Signals): void {
  for (const pid of sshd.sessionPids()) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** Waits until a remote command shows up, so the kill lands mid-command. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(condition()).toBe(true);
}

describe('a dropped connection', () => {
  it('fails the running command with SshConnectionLost naming the host; the next call reconnects', async () => {
    const pool = new SshPool({ knownHostsFiles: [knownHosts] });
    const first = await pool.exec(host, 'echo $PPID');
    const running = pool.exec(host, 'sleep 19.01; echo done');
    const handled = running.catch(() => undefined);
    await until(() => processesMatching(sshd, 'sleep 19.01').length > 0);
    signalSessions('SIGKILL');
    const error = await running.catch((e: unknown) => e);
    await handled;
    expect(error).toBeInstanceOf(SshConnectionLost);
    expect((error as SshConnectionLost).message).toMatch(/^the SSH connection to box was lost/);
    expect((error as SshConnectionLost).host).toBe('box');

    const again = await pool.exec(host, 'echo $PPID');
    expect(again.code).toBe(0);
    // A new sshd session process served it: a new connection.
    expect(again.stdout).not.toBe(first.stdout);
    await pool.close();
  });

  it('an upload in flight is reported lost too', async () => {
    const pool = new SshPool({ knownHostsFiles: [knownHosts] });
    await pool.exec(host, 'true');
    const big = Buffer.alloc(64 * 1024 * 1024, 1);
    const pending = pool.upload(host, join(dir, 'big'), big, { mode: '0644' });
    setTimeout(() => signalSessions('SIGKILL'), 50);
    await expect(pending).rejects.toBeInstanceOf(SshConnectionLost);
    expect((await pool.exec(host, 'echo back')).stdout).toBe('back\n');
    await pool.close();
  });

  it('sshd gone entirely: the running command is lost, the next call cannot connect, and works again once sshd is back', async () => {
    const pool = new SshPool({ knownHostsFiles: [knownHosts], connectTimeoutMs: 3_000 });
    const running = pool.exec(host, 'sleep 19.02').catch((e: unknown) => e);
    await until(() => processesMatching(sshd, 'sleep 19.02').length > 0);
    await sshd.restart();
    expect(await running).toBeInstanceOf(SshConnectionLost);
    // restart() brought it back on the same port with the same host key.
    expect((await pool.exec(host, 'echo again')).stdout).toBe('again\n');

    const stopped = new SshPool({ knownHostsFiles: [knownHosts], connectTimeoutMs: 3_000 });
    const refusedPort = await freePort();
    const error = await stopped.exec({ ...host, port: refusedPort }, 'true').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshConnectError);
    expect((error as Error).message).toMatch(/cannot connect to box .*ECONNREFUSED/);
    await Promise.all([pool.close(), stopped.close()]);
  });
});

describe('keepalive and timeouts', () => {
  it('a host that stops answering is detected by keepalive and reported lost', async () => {
    const pool = new SshPool({ knownHostsFiles: [knownHosts], keepaliveIntervalMs: 200, keepaliveCountMax: 2 });
    const running = pool.exec(host, 'sleep 19.03');
    await until(() => processesMatching(sshd, 'sleep 19.03').length > 0);
    // Frozen, not dead: the TCP connection stays open, only keepalive can notice.
    const frozen = sshd.sessionPids();
    signalSessions('SIGSTOP');
    try {
      const error = await running.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SshConnectionLost);
      expect((error as Error).message).toMatch(/Keepalive timeout/);
    } finally {
      for (const pid of frozen) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
    expect((await pool.exec(host, 'echo alive')).stdout).toBe('alive\n');
    await pool.close();
  });

  it('a timeout holds even when the server does not answer the channel open; the late command is killed', async () => {
    const pool = new SshPool({ knownHostsFiles: [knownHosts] });
    await pool.exec(host, 'true');
    const flag = join(dir, 'late-command-ran');
    const frozen = sshd.sessionPids();
    for (const pid of frozen) process.kill(pid, 'SIGSTOP');
    let result;
    try {
      result = await pool.exec(host, `sleep 0.5; sleep 15.5; touch ${flag}`, { timeoutMs: 300 });
    } finally {
      for (const pid of frozen) process.kill(pid, 'SIGCONT');
    }
    expect(result).toMatchObject({ cancelled: true, timedOut: true, code: null });
    // Once the server wakes up the command starts, and is killed as soon as its channel opens.
    expect((await pool.exec(host, 'echo awake')).stdout).toBe('awake\n');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(processesMatching(sshd, 'sleep 15.5')).toEqual([]);
    await pool.close();
  });

  it('keepalive keeps an idle connection usable', async () => {
    const pool = new SshPool({ knownHostsFiles: [knownHosts], keepaliveIntervalMs: 100, keepaliveCountMax: 2 });
    const before = (await pool.exec(host, 'echo $PPID')).stdout;
    await new Promise((r) => setTimeout(r, 700));
    expect((await pool.exec(host, 'echo $PPID')).stdout).toBe(before);
    await pool.close();
  });

  it('a server that accepts TCP but never speaks SSH times out with a clear error', async () => {
    const silent: Server = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const pool = new SshPool({ knownHostsFiles: [knownHosts], connectTimeoutMs: 300 });
    const error = await pool.exec({ ...host, port }, 'true').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshConnectError);
    expect((error as Error).message).toMatch(/timed out after 300 ms connecting to box/);
    await pool.close();
    silent.close();
  });
});
