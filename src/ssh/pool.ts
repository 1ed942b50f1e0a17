import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../util/errors.js';
import type { Connection, ConnectionSettings } from './connection.js';
import { openConnection } from './open-connection.js';
import type { HostKeyPolicy } from './host-key-check.js';
import { execOn, type SshExecOptions, type SshExecResult } from './exec-channel.js';
import { checkSshHost, type SshHost } from './host.js';
import { uploadOn, type SshUploadOptions } from './upload.js';

export interface SshPoolOptions {
  /** The hosts this pool may reach, by name (`exec('node-0', ...)`). Hosts can also be passed in full. */
  hosts?: Iterable<SshHost> | Map<string, SshHost>;
  /** known_hosts files; default ~/.ssh/known_hosts and /etc/ssh/ssh_known_hosts. */
  knownHostsFiles?: string[];
  /** Only for a known_hosts file kthw generated itself: new hosts are recorded there and trusted. */
  acceptNewHostKeysInto?: string;
  connectTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /**
   * Channels open at once per host (commands and the SFTP session); more wait their turn. OpenSSH
   * allows 10 (MaxSessions); one is kept free for cancelling. Default 9.
   */
  maxChannelsPerHost?: number;
  /** ssh-agent socket for hosts without an identity file; default $SSH_AUTH_SOCK. */
  agentSocket?: string;
}

export function defaultKnownHostsFiles(): string[] {
  return [join(homedir(), '.ssh', 'known_hosts'), '/etc/ssh/ssh_known_hosts'];
}

/** The file new keys are recorded in is always one of those read, so what it records is trusted next time. */
function knownHostsPolicy(files: string[], acceptNewInto: string | undefined): HostKeyPolicy {
  if (acceptNewInto === undefined) return { knownHostsFiles: files };
  return { knownHostsFiles: files.includes(acceptNewInto) ? files : [...files, acceptNewInto], acceptNewInto };
}

/**
 * One SSH connection per host, opened on first use and shared by every command and upload to it.
 * A connection that dropped fails its work with SshConnectionLost and is opened anew on the next call.
 */
export class SshPool {
  private readonly hosts = new Map<string, SshHost>();
  private readonly connections = new Map<string, Promise<Connection>>();
  private readonly settings: ConnectionSettings;
  private closed = false;

  constructor(options: SshPoolOptions = {}) {
    for (const host of options.hosts instanceof Map ? options.hosts.values() : (options.hosts ?? [])) this.hosts.set(host.name, host);
    this.settings = {
      hostKeys: knownHostsPolicy(options.knownHostsFiles ?? defaultKnownHostsFiles(), options.acceptNewHostKeysInto),
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      keepaliveIntervalMs: options.keepaliveIntervalMs ?? 5_000,
      keepaliveCountMax: options.keepaliveCountMax ?? 3,
      agentSocket: options.agentSocket ?? process.env.SSH_AUTH_SOCK,
      maxChannels: options.maxChannelsPerHost ?? 9,
    };
  }

  async exec(host: string | SshHost, command: string, options: SshExecOptions = {}): Promise<SshExecResult> {
    return execOn(await this.connection(host), command, options);
  }

  async upload(host: string | SshHost, remotePath: string, content: Buffer | string, options: SshUploadOptions): Promise<void> {
    return uploadOn(await this.connection(host), remotePath, content, options);
  }

  /** Opens (or reuses) the connection now, so the first command does not pay for it. */
  async connect(host: string | SshHost): Promise<void> {
    await this.connection(host);
  }

  async close(): Promise<void> {
    this.closed = true;
    const open = [...this.connections.values()];
    this.connections.clear();
    // Targets first: a jump host's connection carries the others.
    const settled = await Promise.allSettled(open);
    const conns = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    await Promise.all(conns.filter((c) => c.host.jump).map((c) => c.close()));
    await Promise.all(conns.filter((c) => !c.host.jump).map((c) => c.close()));
  }

  private resolve(host: string | SshHost): SshHost {
    if (typeof host !== 'string') {
      checkSshHost(host);
      return host;
    }
    const known = this.hosts.get(host);
    if (!known)
      throw new UsageError(`no SSH host named ${JSON.stringify(host)}`, {
        fix: this.hosts.size > 0 ? `use one of: ${[...this.hosts.keys()].join(', ')}` : 'give the pool its hosts',
      });
    checkSshHost(known);
    return known;
  }

  private async connection(hostOrName: string | SshHost): Promise<Connection> {
    if (this.closed) throw new UsageError('this SSH pool was closed', { fix: 'create a new SshPool' });
    const host = this.resolve(hostOrName);
    const existing = this.connections.get(host.name);
    if (existing) {
      const connection = await existing;
      if (connection.alive) return connection;
      if (this.connections.get(host.name) === existing) this.connections.delete(host.name);
      return this.connection(host);
    }
    const opening = (async () => {
      const jump = host.jump ? await this.connection(host.jump) : undefined;
      return openConnection(host, jump, this.settings);
    })();
    this.connections.set(host.name, opening);
    opening.catch(() => {
      if (this.connections.get(host.name) === opening) this.connections.delete(host.name);
    });
    return opening;
  }
}
