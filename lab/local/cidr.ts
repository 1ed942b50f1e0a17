/**
 * Prefixes as the local lab meets them: lab file ranges, addresses without a length (a host route)
 * and `ip route` destinations whose host bits may be set. The arithmetic is src/lab/cidr.ts's.
 */
import { familyBits, overlaps, parseAddress, type Cidr } from '../../src/lab/cidr.js';

export interface Prefix extends Cidr {
  text: string;
}

export function parsePrefix(text: string): Prefix {
  const [address = '', lengthText] = text.split('/');
  const parsed = parseAddress(address);
  if (!parsed) throw new Error(`not an IP prefix: ${text}`);
  const bits = familyBits(parsed.family);
  const length = lengthText === undefined ? bits : Number(lengthText);
  if (!Number.isInteger(length) || length < 0 || length > bits) throw new Error(`bad prefix length: ${text}`);
  const mask = ((1n << BigInt(length)) - 1n) << BigInt(bits - length);
  return { family: parsed.family, base: parsed.value & mask, length, text };
}

/** True when the two prefixes share at least one address. */
export const prefixesOverlap = (a: Prefix, b: Prefix): boolean => overlaps(a, b);
