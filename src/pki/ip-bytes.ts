import { isIPv4, isIPv6 } from 'node:net';
import { UsageError } from '../util/errors.js';

/** The 4 or 16 bytes of an IP address, as an iPAddress SAN and a CIDR calculation need them. */
export function ipToBytes(ip: string): Buffer {
  if (isIPv4(ip)) return Buffer.from(ip.split('.').map(Number));
  if (!isIPv6(ip)) throw new UsageError(`"${ip}" is not an IP address`, { fix: 'Give an IPv4 or IPv6 address.' });
  let text = ip;
  // An embedded IPv4 tail (::ffff:10.0.0.1) becomes two hex groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = ipToBytes(v4[1]!);
    text = `${text.slice(0, -v4[1]!.length)}${b.readUInt16BE(0).toString(16)}:${b.readUInt16BE(2).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail === undefined ? [] : tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...tailGroups];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/** Canonical text of an address: dotted quad, or RFC 5952 IPv6 (lowercase, longest zero run as ::). */
export function bytesToIp(bytes: Buffer): string {
  if (bytes.length === 4) return [...bytes].join('.');
  const groups = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

export function canonicalIp(ip: string): string {
  return bytesToIp(ipToBytes(ip));
}

/**
 * The first usable address of a range: the one Kubernetes gives the `kubernetes` service, which
 * the API server's certificate must therefore name.
 */
export function firstAddressOf(cidr: string): string {
  const [network, prefixText] = cidr.split('/');
  const prefix = Number(prefixText);
  const bytes = ipToBytes(network ?? '');
  if (!Number.isInteger(prefix) || prefix < 0 || prefix >= bytes.length * 8) {
    throw new UsageError(`"${cidr}" is not a range with room for a service address`, {
      fix: 'Give the service range as ADDRESS/PREFIX with a prefix shorter than the address length.',
    });
  }
  for (let bit = prefix; bit < bytes.length * 8; bit++) bytes[bit >> 3]! &= ~(0x80 >> (bit & 7));
  for (let i = bytes.length - 1; i >= 0; i--) {
    bytes[i] = (bytes[i]! + 1) & 0xff;
    if (bytes[i] !== 0) break;
  }
  return bytesToIp(bytes);
}
