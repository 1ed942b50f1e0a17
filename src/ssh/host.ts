import { primaryAddress, type Lab } from '../lab/types.js';
import { UsageError } from '../util/errors.js';

/** Everything needed to reach one machine over SSH. */
export interface SshHost {
  /** Name used in messages and as the pool key (the lab's host name). */
  name: string;
  address: string;
  port: number;
  user: string;
  /** Private key file; absent: ssh-agent (SSH_AUTH_SOCK). */
  identity?: string;
  /** Reach this host through an SSH connection to `jump` (ProxyJump). */
  jump?: SshHost;
  /** known_hosts files for this host; absent: the pool's. */
  knownHosts?: string[];
}

export interface LabHostOptions {
  /** Identity for hosts whose lab entry names none (the local lab's own key). */
  defaultIdentity?: string;
  /** known_hosts for every host of the lab (the local lab's pinned file). */
  knownHosts?: string[];
}

/** The lab's hosts as SSH hosts, each `jump` resolved to the host it names. */
export function sshHostsFromLab(lab: Lab, options: LabHostOptions = {}): Map<string, SshHost> {
  const hosts = new Map<string, SshHost>();
  const resolve = (name: string, chain: string[]): SshHost => {
    const known = hosts.get(name);
    if (known) return known;
    const host = lab.hosts.find((h) => h.name === name);
    if (!host)
      throw new UsageError(`ssh.jump of ${chain.at(-1)} names ${JSON.stringify(name)}, which is not a host of lab ${lab.name}`, {
        where: lab.source,
        fix: `use one of: ${lab.hosts.map((h) => h.name).join(', ')}`,
      });
    if (chain.includes(name))
      throw new UsageError(`ssh.jump forms a loop: ${[...chain, name].join(' -> ')}`, { where: lab.source, fix: 'make one host reachable without a jump' });
    const ssh: SshHost = {
      name: host.name,
      address: primaryAddress(lab, host),
      port: host.ssh.port,
      user: host.ssh.user,
      ...((host.ssh.identity ?? options.defaultIdentity) ? { identity: host.ssh.identity ?? options.defaultIdentity } : {}),
      ...(options.knownHosts ? { knownHosts: options.knownHosts } : {}),
      ...(host.ssh.jump !== undefined ? { jump: resolve(host.ssh.jump, [...chain, name]) } : {}),
    };
    hosts.set(name, ssh);
    return ssh;
  };
  for (const host of lab.hosts) resolve(host.name, []);
  return hosts;
}

/** Refuses a host description that cannot be right before any socket opens. */
export function checkSshHost(host: SshHost, seen: string[] = []): void {
  const where = host.name || '(unnamed host)';
  if (!host.name) throw new UsageError('an SSH host needs a name', { where });
  if (!host.address || /\s/.test(host.address))
    throw new UsageError(`host ${host.name} has no usable address (${JSON.stringify(host.address)})`, {
      where,
      fix: 'give the host an IP address or a DNS name',
    });
  if (!Number.isInteger(host.port) || host.port < 1 || host.port > 65535)
    throw new UsageError(`host ${host.name} has SSH port ${host.port}, not 1-65535`, { where, fix: 'use the port sshd listens on (22 by default)' });
  if (!host.user) throw new UsageError(`host ${host.name} has no SSH user`, { where, fix: 'set the user to log in as (root on the local lab)' });
  if (host.jump) {
    if (seen.includes(host.name)) throw new UsageError(`jump hosts form a loop: ${[...seen, host.name].join(' -> ')}`, { where });
    checkSshHost(host.jump, [...seen, host.name]);
  }
}
