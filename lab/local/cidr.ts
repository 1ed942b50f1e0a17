import { isIPv4, isIPv6 } from 'node:net';

export interface Prefix {
  family: 4 | 6;
  base: bigint;
  length: number;
  text: string;
}

function ipv4ToBigInt(address: string): bigint {
  return address.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
}

function ipv6ToBigInt(address: string): bigint {
  let text = address;
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hex groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = ipv4ToBigInt(v4[1]!);
    text = text.slice(0, -v4[1]!.length) + `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? 0 : 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(zeros).fill('0'), ...tailGroups];
  return groups.reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)), 0n);
}

export function parsePrefix(text: string): Prefix {
  const [address = '', lengthText] = text.split('/');
  const family = isIPv4(address) ? 4 : isIPv6(address) ? 6 : undefined;
  if (family === undefined) throw new Error(`not an IP prefix: ${text}`);
  const bits = family === 4 ? 32 : 128;
  const length = lengthText === undefined ? bits : Number(lengthText);
  if (!Number.isInteger(length) || length < 0 || length > bits) throw new Error(`bad prefix length: ${text}`);
  const value = family === 4 ? ipv4ToBigInt(address) : ipv6ToBigInt(address);
  const mask = ((1n << BigInt(length)) - 1n) << BigInt(bits - length);
  return { family, base: value & mask, length, text };
}

/** True when the two prefixes share at least one address. */
export function prefixesOverlap(a: Prefix, b: Prefix): boolean {
  if (a.family !== b.family) return false;
  const bits = a.family === 4 ? 32 : 128;
  const shortest = Math.min(a.length, b.length);
  const shift = BigInt(bits - shortest);
  return a.base >> shift === b.base >> shift;
}

export function prefixLength(prefix: string): number {
  return parsePrefix(prefix).length;
}
