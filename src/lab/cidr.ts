/**
 * kthw's one IP module: small, exact IP and prefix arithmetic on BigInt, for IPv4 and IPv6 alike,
 * the canonical spelling of an address, and the raw bytes a certificate's iPAddress SAN holds.
 * Parsing is strict: anything `node:net` would not accept as an address is rejected, and a prefix
 * must not have bits set past its length (`10.0.0.5/24` is a mistake, not `10.0.0.0/24`).
 */
import { isIPv4, isIPv6 } from 'node:net';
import { UsageError } from '../util/errors.js';

export type IpFamily = 4 | 6;

export interface IpAddress {
  family: IpFamily;
  value: bigint;
}

export interface Cidr {
  family: IpFamily;
  /** The first address of the prefix (all host bits zero). */
  base: bigint;
  length: number;
}

export function familyBits(family: IpFamily): number {
  return family === 4 ? 32 : 128;
}

function ipv4Value(text: string): bigint {
  return text.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
}

function ipv6Value(text: string): bigint {
  let body = text;
  const embedded = /(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (embedded) {
    const v4 = ipv4Value(embedded[1]!);
    body = `${body.slice(0, -embedded[1]!.length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = body.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = tail === undefined ? 0 : 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups];
  return groups.reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)), 0n);
}

/** An IPv4 or IPv6 address (no zone, no prefix), or undefined when `text` is not one. */
export function parseAddress(text: string): IpAddress | undefined {
  if (isIPv4(text)) return { family: 4, value: ipv4Value(text) };
  if (isIPv6(text) && !text.includes('%')) return { family: 6, value: ipv6Value(text) };
  return undefined;
}

export type CidrParseResult = { ok: true; cidr: Cidr } | { ok: false; reason: string };

/** Parses `address/length`; says why when it cannot. */
export function parseCidr(text: string): CidrParseResult {
  const slash = text.indexOf('/');
  if (slash < 0) return { ok: false, reason: 'has no /length' };
  const address = parseAddress(text.slice(0, slash));
  if (!address) return { ok: false, reason: `has no valid address before the /` };
  const lengthText = text.slice(slash + 1);
  const bits = familyBits(address.family);
  if (!/^\d{1,3}$/.test(lengthText) || Number(lengthText) > bits) {
    return { ok: false, reason: `has a prefix length that is not 0–${bits}` };
  }
  const length = Number(lengthText);
  const base = address.value & prefixMask(address.family, length);
  if (base !== address.value) {
    return { ok: false, reason: `has host bits set (the prefix is ${formatCidr({ family: address.family, base, length })})` };
  }
  return { ok: true, cidr: { family: address.family, base, length } };
}

function prefixMask(family: IpFamily, length: number): bigint {
  const bits = familyBits(family);
  return ((1n << BigInt(length)) - 1n) << BigInt(bits - length);
}

/** The number of addresses in the prefix. */
export function cidrSize(cidr: Cidr): bigint {
  return 1n << BigInt(familyBits(cidr.family) - cidr.length);
}

/** The last address of the prefix. */
export function cidrLast(cidr: Cidr): bigint {
  return cidr.base + cidrSize(cidr) - 1n;
}

export function containsAddress(cidr: Cidr, address: IpAddress): boolean {
  return cidr.family === address.family && address.value >= cidr.base && address.value <= cidrLast(cidr);
}

/** True when every address of `inner` lies in `outer`. */
export function containsCidr(outer: Cidr, inner: Cidr): boolean {
  return outer.family === inner.family && inner.length >= outer.length && inner.base >= outer.base && cidrLast(inner) <= cidrLast(outer);
}

/** True when the two prefixes share at least one address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && a.base <= cidrLast(b) && b.base <= cidrLast(a);
}

/** The n-th address of the prefix (0 is the base); undefined past its end. */
export function nthAddress(cidr: Cidr, n: bigint | number): IpAddress | undefined {
  const offset = BigInt(n);
  if (offset < 0n || offset >= cidrSize(cidr)) return undefined;
  return { family: cidr.family, value: cidr.base + offset };
}

/** Canonical text: dotted quad for IPv4, RFC 5952 (lower case, longest zero run as `::`) for IPv6. */
export function formatAddress(address: IpAddress): string {
  if (address.family === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => String((address.value >> shift) & 0xffn)).join('.');
  }
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((shift) => Number((address.value >> shift) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1; // a single zero group is never compressed
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

export function formatCidr(cidr: Cidr): string {
  return `${formatAddress({ family: cidr.family, value: cidr.base })}/${cidr.length}`;
}

/** Canonical form of an address text, or undefined when it does not parse. */
export function canonicalAddress(text: string): string | undefined {
  const address = parseAddress(text);
  return address && formatAddress(address);
}

/** Canonical form of an address that may be bracketed (`[fd00::4]`, as URLs and ss write it), or undefined. */
export function canonicalIp(text: string): string | undefined {
  return canonicalAddress(text.replace(/^\[(.*)\]$/, '$1'));
}

/** The 4 or 16 bytes of an IP address, as an iPAddress SAN needs them; a clear error when `ip` is none. */
export function ipToBytes(ip: string): Buffer {
  const address = parseAddress(ip);
  if (!address) throw new UsageError(`"${ip}" is not an IP address`, { fix: 'Give an IPv4 or IPv6 address.' });
  const size = familyBits(address.family) / 8;
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = Number((address.value >> BigInt(8 * (size - 1 - i))) & 0xffn);
  return bytes;
}

/** Canonical text of 4 or 16 raw bytes (an iPAddress SAN); anything else is shown as what it is. */
export function bytesToIp(bytes: Buffer): string {
  if (bytes.length !== 4 && bytes.length !== 16) return `<${bytes.length}-byte address ${bytes.toString('hex')}>`;
  const value = [...bytes].reduce((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
  return formatAddress({ family: bytes.length === 4 ? 4 : 6, value });
}

/**
 * The first usable address of a range: the one Kubernetes gives the `kubernetes` service, which
 * the API server's certificate must therefore name.
 */
export function firstAddressOf(cidr: string): string {
  const [network = '', prefixText] = cidr.split('/');
  const prefix = Number(prefixText);
  const address = parseAddress(network);
  const bits = address ? familyBits(address.family) : 0;
  if (!address || !Number.isInteger(prefix) || prefix < 0 || prefix >= bits) {
    throw new UsageError(`"${cidr}" is not a range with room for a service address`, {
      fix: 'Give the service range as ADDRESS/PREFIX with a prefix shorter than the address length.',
    });
  }
  const hostBits = BigInt(bits - prefix);
  const base = (address.value >> hostBits) << hostBits;
  return formatAddress({ family: address.family, value: (base + 1n) & ((1n << BigInt(bits)) - 1n) });
}

/** Canonical form of an address kthw itself holds (a lab's, a certificate profile's): a clear error when it is none. */
export function requireCanonicalIp(ip: string): string {
  return bytesToIp(ipToBytes(ip));
}

/** An address as the host part of a URL or `host:port`: IPv6 in brackets (`[fd00:4::4]`), IPv4 as it is. */
export function urlHost(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}
