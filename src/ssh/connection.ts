import type { Client, SFTPWrapper } from 'ssh2';
import { ChannelSlots } from './channel-slots.js';
import { SshConnectionLost } from './errors.js';
import type { HostKeyPolicy } from './host-key-check.js';
import type { SshHost } from './host.js';

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
