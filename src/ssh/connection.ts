import { connect as netConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { Client, SFTPWrapper } from 'ssh2';
import { ChannelSlots } from './channel-slots.js';
import { SshConnectError, SshConnectionLost } from './errors.js';
import { hostKeyCheck, type HostKeyPolicy } from './host-key-check.js';
import type { SshHost } from './host.js';
import { credentialsFor } from './identity.js';

export interface ConnectionSettings {
  hostKeys: HostKeyPolicy;
  /** TCP connect + handshake + authentication must finish within this. */
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  agentSocket: string | undefined;
  /** Channels open at once per connection (exec and the SFTP session); one more is kept for cancelling. */
  maxChannels: number;
}

/**
 * One authenticated ssh2 connection to one host. Work in flight registers a `lose` callback, so
 * a connection that drops fails exactly that work with `SshConnectionLost`.
 */
export class Connection {
  readonly host: SshHost;
  readonly client: Client;
  private ended = false;
  private closingOnPurpose = false;
  private lastError: Error | undefined;
  private readonly inFlight = new Set<(error: SshConnectionLost) => void>();
  private sftpSession: Promise<SFTPWrapper> | undefined;
  readonly slots: ChannelSlots;
  /** The channel kept back from `slots`: cancelling (killing a command's processes) takes turns on it. */
  readonly reserveSlot = new ChannelSlots(1);

  constructor(host: SshHost, client: Client, maxChannels: number) {
    this.host = host;
    this.client = client;
    this.slots = new ChannelSlots(maxChannels);
    client.on('error', (error) => (this.lastError = error));
    const onGone = () => {
      if (this.ended) return;
      this.ended = true;
      const why = this.closingOnPurpose ? 'the pool was closed' : (this.lastError?.message ?? 'closed by the remote side');
      const lost = new SshConnectionLost(this.host.name, why, this.lastError);
      for (const lose of [...this.inFlight]) lose(lost);
      this.inFlight.clear();
    };
    client.on('end', onGone);
    client.on('close', onGone);
  }

  get alive(): boolean {
    return !this.ended;
  }

  /**
   * Whether the connection ends within `ms`. A channel often closes a moment before the TCP
   * connection under it does, so a failure is only blamed on the channel after this grace.
   */
  endsWithin(ms: number): Promise<boolean> {
    if (this.ended) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.inFlight.delete(onLost);
        resolve(this.ended);
      }, ms);
      const onLost = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.inFlight.add(onLost);
    });
  }

  lostError(cause?: unknown): SshConnectionLost {
    return new SshConnectionLost(this.host.name, this.lastError?.message ?? 'closed by the remote side', cause ?? this.lastError);
  }

  /** Registers work that must fail if the connection drops; returns the unregister function. */
  track(lose: (error: SshConnectionLost) => void): () => void {
    if (this.ended) {
      lose(new SshConnectionLost(this.host.name, this.lastError?.message ?? 'connection already closed'));
      return () => {};
    }
    this.inFlight.add(lose);
    return () => this.inFlight.delete(lose);
  }

  /** The connection's SFTP session, opened once and reused. */
  sftp(): Promise<SFTPWrapper> {
    this.sftpSession ??= this.slots.acquire().then(
      (release) =>
        new Promise<SFTPWrapper>((resolve, reject) => {
          this.client.sftp((error, sftp) => {
            if (error) {
              release?.();
              this.sftpSession = undefined;
              reject(error);
              return;
            }
            sftp.on('close', () => {
              release?.();
              this.sftpSession = undefined;
            });
            resolve(sftp);
          });
        }),
    );
    return this.sftpSession;
  }

  close(): Promise<void> {
    if (this.ended) return Promise.resolve();
    this.closingOnPurpose = true;
    return new Promise((resolve) => {
      this.client.once('close', () => resolve());
      this.client.end();
    });
  }
}

function describe(host: SshHost): string {
  const via = host.jump ? ` via ${host.jump.name}` : '';
  return `${host.name} (${host.user}@${host.address.includes(':') ? `[${host.address}]` : host.address}:${host.port}${via})`;
}

function forwardThrough(jump: Connection, host: SshHost): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const untrack = jump.track(reject);
    try {
      jump.client.forwardOut('127.0.0.1', 0, host.address, host.port, (error, stream) => {
        untrack();
        if (error) {
          reject(new SshConnectError(host.name, `jump host ${jump.host.name} could not open a connection to ${describe(host)}: ${error.message}`,
            `check that ${jump.host.name} can reach ${host.address} port ${host.port} and that its sshd allows TCP forwarding (AllowTcpForwarding)`, error));
          return;
        }
        resolve(stream);
      });
    } catch (error) {
      untrack();
      reject(new SshConnectionLost(jump.host.name, (error as Error).message, error));
    }
  });
}

/** Opens and authenticates a connection; `jump`, when given, is the already open jump host connection. */
export async function openConnection(host: SshHost, jump: Connection | undefined, settings: ConnectionSettings): Promise<Connection> {
  const credentials = credentialsFor(host.name, host.identity, settings.agentSocket);
  const policy = host.knownHosts ? { ...settings.hostKeys, knownHostsFiles: host.knownHosts } : settings.hostKeys;
  const check = hostKeyCheck(host.name, describe(host), host.address, host.port, policy);
  const sock: Duplex = jump ? await forwardThrough(jump, host) : netConnect({ host: host.address, port: host.port, noDelay: true });

  const client = new ssh2.Client();
  return new Promise<Connection>((resolve, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      client.end();
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new SshConnectError(host.name, `timed out after ${settings.connectTimeoutMs} ms connecting to ${describe(host)}`,
        `check that ${host.name} is up and sshd listens on port ${host.port}`)),
      settings.connectTimeoutMs,
    );
    client.once('ready', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(new Connection(host, client, settings.maxChannels));
    });
    client.on('error', (error: Error & { level?: string; code?: string }) => {
      const refusal = check.refusal();
      if (refusal) return fail(refusal);
      if (error.level === 'client-authentication') {
        return fail(new SshConnectError(host.name, `${describe(host)} refused authentication as ${host.user} with ${'agent' in credentials ? 'the keys in ssh-agent' : host.identity}`,
          `make sure the public key is in ~${host.user}/.ssh/authorized_keys on ${host.name}`, error));
      }
      fail(new SshConnectError(host.name, `cannot connect to ${describe(host)}: ${error.message}`,
        `check that ${host.name} is up, reachable and sshd listens on port ${host.port}`, error));
    });
    client.once('close', () => fail(new SshConnectError(host.name, `${describe(host)} closed the connection during the handshake`, `check sshd's log on ${host.name}`)));
    client.connect({
      sock: sock as never,
      username: host.user,
      ...credentials,
      hostVerifier: (key: Buffer) => check.verify(key),
      ...(check.serverHostKey ? { algorithms: { serverHostKey: check.serverHostKey as never } } : {}),
      readyTimeout: settings.connectTimeoutMs,
      keepaliveInterval: settings.keepaliveIntervalMs,
      keepaliveCountMax: settings.keepaliveCountMax,
    });
  });
}
