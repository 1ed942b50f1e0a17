import { readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../util/errors.js';
import type { SshHost } from './host.js';
import { hostFieldMatches } from './known-hosts.js';

/**
 * The part of OpenSSH's client config kthw understands: `Host` blocks with HostName, User, Port,
 * IdentityFile, ProxyJump and UserKnownHostsFile. As in OpenSSH the first value found for a keyword
 * wins. `Match` blocks and `Include` are not read (a note says so in the result).
 */
interface Block {
  patterns: string[];
  options: Array<[keyword: string, value: string[]]>;
}

export interface SshConfig {
  source: string;
  blocks: Block[];
  /** Directives kthw skipped (Match, Include), with their line, so callers can warn. */
  ignored: string[];
}

function splitArgs(text: string, where: string): string[] {
  const args: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (const match of text.matchAll(re)) args.push(match[1] ?? match[2]!);
  if ((text.match(/"/g)?.length ?? 0) % 2 === 1) throw new UsageError(`unbalanced quote in ssh config`, { where });
  return args;
}

export function parseSshConfig(text: string, source: string): SshConfig {
  const blocks: Block[] = [{ patterns: ['*'], options: [] }];
  const ignored: string[] = [];
  let skipping = false;
  text.split('\n').forEach((raw, index) => {
    const where = `${source}:${index + 1}`;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(line);
    if (!match) throw new UsageError(`cannot read ssh config line ${JSON.stringify(line)}`, { where, fix: 'write `Keyword value`' });
    const keyword = match[1]!.toLowerCase();
    const args = splitArgs(match[2]!, where);
    if (keyword === 'host') {
      skipping = false;
      blocks.push({ patterns: args, options: [] });
    } else if (keyword === 'match') {
      skipping = true;
      ignored.push(`${where}: Match`);
    } else if (keyword === 'include') {
      ignored.push(`${where}: Include`);
    } else if (!skipping) {
      blocks.at(-1)!.options.push([keyword, args]);
    }
  });
  return { source, blocks, ignored };
}

export function readSshConfig(path = join(homedir(), '.ssh', 'config')): SshConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { source: path, blocks: [], ignored: [] };
    throw error;
  }
  return parseSshConfig(text, path);
}

function blockApplies(block: Block, alias: string): boolean {
  return hostFieldMatches(block.patterns.join(','), alias);
}

function expand(value: string, alias: string, hostName: string, user: string): string {
  const home = homedir();
  const tilde = value === '~' ? home : value.startsWith('~/') ? join(home, value.slice(2)) : value;
  return tilde.replace(/%([%dhnru])/g, (_, token: string) => ({ '%': '%', d: home, h: hostName, n: alias, r: user, u: userInfo().username })[token]!);
}

/** The SshHost an alias stands for under `config` (what `ssh ALIAS` would connect to). */
export function sshHostFromConfig(config: SshConfig, alias: string, seen: string[] = []): SshHost {
  if (seen.includes(alias)) throw new UsageError(`ProxyJump loop in ssh config: ${[...seen, alias].join(' -> ')}`, { where: config.source });
  const first = new Map<string, string[]>();
  const identities: string[] = [];
  for (const block of config.blocks) {
    if (!blockApplies(block, alias)) continue;
    for (const [keyword, args] of block.options) {
      if (keyword === 'identityfile') identities.push(...args);
      else if (!first.has(keyword)) first.set(keyword, args);
    }
  }
  const where = `${config.source} (Host ${alias})`;
  const hostName = expand(first.get('hostname')?.[0] ?? alias, alias, alias, '');
  const portText = first.get('port')?.[0] ?? '22';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) throw new UsageError(`Port ${JSON.stringify(portText)} for ${alias} is not a TCP port`, { where });
  const user = first.get('user')?.[0] ?? userInfo().username;
  const identity = identities[0] === undefined || identities[0].toLowerCase() === 'none' ? undefined : expand(identities[0], alias, hostName, user);
  const knownHosts = first.get('userknownhostsfile')?.map((f) => expand(f, alias, hostName, user));
  const host: SshHost = { name: alias, address: hostName, port, user };
  if (identity !== undefined) host.identity = identity;
  if (knownHosts !== undefined) host.knownHosts = knownHosts;

  const jumpSpec = first.get('proxyjump')?.[0];
  if (jumpSpec !== undefined && jumpSpec.toLowerCase() !== 'none') {
    // `a,b` means: reach a, from there b, from there the target.
    let previous: SshHost | undefined;
    for (const hop of jumpSpec.split(',')) {
      const parsed = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hop);
      if (!parsed) throw new UsageError(`cannot read ProxyJump hop ${JSON.stringify(hop)} for ${alias}`, { where, fix: 'write ProxyJump [user@]host[:port]' });
      const hopAlias = parsed[2]!.replace(/^\[|\]$/g, '');
      const hopHost = { ...sshHostFromConfig(config, hopAlias, [...seen, alias]) };
      if (parsed[1] !== undefined) hopHost.user = parsed[1];
      if (parsed[3] !== undefined) hopHost.port = Number(parsed[3]);
      // A hop that overrides user or port is its own connection, not the alias's.
      if (parsed[1] !== undefined || parsed[3] !== undefined) hopHost.name = hop;
      if (previous) hopHost.jump = previous;
      previous = hopHost;
    }
    host.jump = previous;
  }
  return host;
}
