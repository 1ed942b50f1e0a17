/**
 * A private OpenSSH server for one test file: its own host keys, authorized_keys and port on
 * loopback, started with `sshd -D -e` and killed by `stop()`.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KeyPair {
  path: string;
  publicLine: string;
  /** `type base64` of the public key. */
  type: string;
  base64: string;
}

export function keygen(path: string, type: 'ed25519' | 'ecdsa' | 'rsa', comment = 'kthw-test'): KeyPair {
  execFileSync('ssh-keygen', ['-q', '-t', type, ...(type === 'rsa' ? ['-b', '2048'] : []), '-N', '', '-C', comment, '-f', path]);
  chmodSync(path, 0o600);
  const publicLine = readFileSync(`${path}.pub`, 'utf8').trim();
  const [keyType, base64] = publicLine.split(/\s+/);
  return { path, publicLine, type: keyType!, base64: base64! };
}

export function fingerprintOf(pubPath: string): string {
  return execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', pubPath], { encoding: 'utf8' }).split(/\s+/)[1]!;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(host: string, port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sshd exited (${child.exitCode}): ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not listen on ${host}:${port}: ${log()}`);
}

/** Pids of every process below `pid`. */
export function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of parentOf)
      if (ppid === parent) {
        found.push(child);
        walk(child);
      }
  };
  walk(pid);
  return found;
}

/**
 * Live processes started through `sshd` (their SSH_CONNECTION names its port, which survives being
 * orphaned) whose command line contains `text`: for "is the remote command gone". Other test runs
 * on this machine use other ports, so they never match.
 */
export function processesMatching(sshd: { port: number }, text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const state = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (state.slice(state.lastIndexOf(')') + 2).startsWith('Z')) continue;
      if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').includes(text)) continue;
      const env = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (env.some((v) => v.startsWith('SSH_CONNECTION=') && v.endsWith(` ${sshd.port}`))) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

export interface Sshd {
  dir: string;
  port: number;
  /** Client key in authorized_keys (0600). */
  clientKey: KeyPair;
  hostKeys: Record<'ed25519' | 'ecdsa' | 'rsa', KeyPair>;
  pid: number;
  /** The processes serving current connections (children of the listener). */
  sessionPids(): number[];
  log(): string;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface SshdOptions {
  /** Extra sshd_config lines. */
  config?: string[];
  /** Host key types to serve; default all three. */
  hostKeyTypes?: Array<'ed25519' | 'ecdsa' | 'rsa'>;
  /** Reuse this client key instead of generating one. */
  clientKey?: KeyPair;
}

export async function startSshd(options: SshdOptions = {}): Promise<Sshd> {
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(tmpdir(), 'kthw-sshd-'));
  chmodSync(dir, 0o700);
  const hostKeys = {
    ed25519: keygen(join(dir, 'ssh_host_ed25519_key'), 'ed25519', 'host'),
    ecdsa: keygen(join(dir, 'ssh_host_ecdsa_key'), 'ecdsa', 'host'),
    rsa: keygen(join(dir, 'ssh_host_rsa_key'), 'rsa', 'host'),
  };
  const clientKey = options.clientKey ?? keygen(join(dir, 'client_key'), 'ed25519', 'client');
  writeFileSync(join(dir, 'authorized_keys'), `${clientKey.publicLine}\n`, { mode: 0o600 });
  const port = await freePort();
  const types = options.hostKeyTypes ?? ['ed25519', 'ecdsa', 'rsa'];
  // sshd takes the first value it reads for a keyword: the test's own lines go first.
  const config = [
    ...(options.config ?? []),
    `ListenAddress 127.0.0.1:${port}`,
    `ListenAddress [::1]:${port}`,
    ...types.map((t) => `HostKey ${hostKeys[t].path}`),
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    'UsePAM no',
    'PermitRootLogin prohibit-password',
    'StrictModes no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'AllowTcpForwarding yes',
    'MaxStartups 100',
    'Subsystem sftp /usr/lib/openssh/sftp-server',
    'LogLevel ERROR',
    // Debian's bash sources ~/.bashrc for every SSH command unless SHLVL says it is nested; this
    // host's root .bashrc runs pyenv (slow, and it takes a lock), which would make timings and
    // even completion depend on the machine, not on the code under test.
    'SetEnv SHLVL=1',
  ];
  const configPath = join(dir, 'sshd_config');
  writeFileSync(configPath, `${config.join('\n')}\n`, { mode: 0o600 });

  let output = '';
  let child!: ChildProcess;
  const launch = async () => {
    child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    await waitForPort('127.0.0.1', port, child, () => output);
  };
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const sessions = descendants(child.pid!);
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    for (const pid of sessions) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    await exited;
  };
  await launch();
  return {
    dir,
    port,
    clientKey,
    hostKeys,
    get pid() {
      return child.pid!;
    },
    sessionPids: () => descendants(child.pid!),
    log: () => output,
    restart: async () => {
      await stop();
      await launch();
    },
    stop: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A known_hosts line for this sshd's key of `type`, as OpenSSH records it for a non-22 port. */
export function knownHostsLineFor(sshd: Sshd, type: 'ed25519' | 'ecdsa' | 'rsa', host = '127.0.0.1'): string {
  const key = sshd.hostKeys[type];
  return `[${host}]:${sshd.port} ${key.type} ${key.base64}`;
}
