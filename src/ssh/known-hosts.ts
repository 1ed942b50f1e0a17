import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { keyBlobType, sha256Fingerprint } from './fingerprint.js';

/**
 * OpenSSH known_hosts, read-only: plain names, `[host]:port`, comma lists, wildcard and negated
 * patterns, hashed names (`|1|salt|hash`, HMAC-SHA1 of the name keyed by the salt) and `@revoked`
 * lines. `@cert-authority` lines are skipped: kthw does not trust host certificates.
 */
export interface KnownHostEntry {
  marker: 'revoked' | undefined;
  /** The host field as written: patterns or a hashed name. */
  hosts: string;
  keyType: string;
  keyBlob: Buffer;
  /** `file:line`, for messages. */
  where: string;
}

export function parseKnownHosts(text: string, source: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: string | undefined;
    if (fields[0]?.startsWith('@')) marker = fields.shift();
    if (marker !== undefined && marker !== '@revoked') return;
    const [hosts, keyType, keyBase64] = fields;
    if (hosts === undefined || keyType === undefined || keyBase64 === undefined) return;
    const keyBlob = Buffer.from(keyBase64, 'base64');
    // A line whose key blob does not name its own type is corrupt; OpenSSH skips those too.
    if (keyBlobType(keyBlob) !== keyType) return;
    entries.push({ marker: marker === '@revoked' ? 'revoked' : undefined, hosts, keyType, keyBlob, where: `${source}:${index + 1}` });
  });
  return entries;
}

/** The name known_hosts files record for a host: the bare address on port 22, else `[address]:port`. */
export function knownHostsName(address: string, port: number): string {
  const host = address.toLowerCase();
  return port === 22 ? host : `[${host}]:${port}`;
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${body}$`, 'i');
}

function hashedMatch(field: string, name: string): boolean {
  const [, magic, salt, hash] = field.split('|');
  if (magic !== '1' || salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** OpenSSH pattern-list semantics: any positive match, and no negated (`!pattern`) match. */
export function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|')) return hashedMatch(field, name);
  let matched = false;
  for (const pattern of field.split(',')) {
    if (pattern.startsWith('!')) {
      if (globToRegExp(pattern.slice(1)).test(name)) return false;
    } else if (globToRegExp(pattern).test(name)) {
      matched = true;
    }
  }
  return matched;
}

export type HostKeyVerdict =
  | { status: 'trusted'; where: string }
  | { status: 'revoked'; where: string }
  | { status: 'changed'; known: KnownHostEntry[] }
  | { status: 'unknown'; knownTypes: string[] };

/**
 * What known_hosts says about `keyBlob` offered by `name` (see `knownHostsName`). A revoked key is
 * refused whatever host its line names; a key of a type known for this host that differs is `changed`.
 */
export function judgeHostKey(entries: KnownHostEntry[], name: string, keyBlob: Buffer): HostKeyVerdict {
  const revoked = entries.find((e) => e.marker === 'revoked' && e.keyBlob.equals(keyBlob));
  if (revoked) return { status: 'revoked', where: revoked.where };
  const forHost = entries.filter((e) => e.marker === undefined && hostFieldMatches(e.hosts, name));
  const trusted = forHost.find((e) => e.keyBlob.equals(keyBlob));
  if (trusted) return { status: 'trusted', where: trusted.where };
  const offeredType = keyBlobType(keyBlob);
  const sameType = forHost.filter((e) => e.keyType === offeredType);
  if (sameType.length > 0) return { status: 'changed', known: sameType };
  return { status: 'unknown', knownTypes: [...new Set(forHost.map((e) => e.keyType))] };
}

/** Host key types known for `name`, to offer the server only those (as OpenSSH prefers known types). */
export function knownKeyTypes(entries: KnownHostEntry[], name: string): string[] {
  const types = entries.filter((e) => e.marker === undefined && hostFieldMatches(e.hosts, name)).map((e) => e.keyType);
  return [...new Set(types)];
}

/** Reads every file that exists; a missing file is an empty one, as in OpenSSH. */
export function readKnownHostsFiles(paths: string[]): KnownHostEntry[] {
  return paths.flatMap((path) => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return parseKnownHosts(text, path);
  });
}

export function knownHostsLine(name: string, keyBlob: Buffer): string {
  return `${name} ${keyBlobType(keyBlob)} ${keyBlob.toString('base64')}`;
}

export { sha256Fingerprint };
