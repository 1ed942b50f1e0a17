/** What the semantic checks share: a problem collector and conversions of already-checked values. */
import { cidrLast, formatAddress, formatCidr, parseAddress, parseCidr, type Cidr, type IpAddress } from './cidr.js';
import type { LabProblem } from './lab-error.js';
import type { RawLab } from './schema.js';
import type { Family, PerFamily } from './types.js';
import { problemAt, type DocPath, type YamlSource } from './yaml-source.js';

export const FAMILIES: readonly Family[] = ['ipv4', 'ipv6'];
export type RawHost = RawLab['hosts'][number];

export class Reporter {
  readonly problems: LabProblem[] = [];
  constructor(private readonly yaml: YamlSource) {}

  add(path: DocPath, message: string, fix?: string, atKey = false): void {
    this.problems.push(problemAt(this.yaml, { path, message, fix, atKey }));
  }
}

export function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (!parsed.ok) throw new Error(`unchecked prefix ${text}`);
  return parsed.cidr;
}

export function address(text: string): IpAddress {
  const parsed = parseAddress(text);
  if (!parsed) throw new Error(`unchecked address ${text}`);
  return parsed;
}

export function familyOf(a: IpAddress): Family {
  return a.family === 4 ? 'ipv4' : 'ipv6';
}

export function present<T>(value: PerFamily<T>): Family[] {
  return FAMILIES.filter((f) => value[f] !== undefined);
}

export function canonicalPrefixes(value: PerFamily<string>): PerFamily<string> {
  const out: PerFamily<string> = {};
  for (const f of present(value)) out[f] = formatCidr(cidr(value[f]!));
  return out;
}

export function canonicalAddresses(value: PerFamily<string>): PerFamily<string> {
  const out: PerFamily<string> = {};
  for (const f of present(value)) out[f] = formatAddress(address(value[f]!));
  return out;
}

/** Why `a` cannot be a host's address in `net`, if it is the prefix's own network or broadcast address. */
export function reservedIn(a: IpAddress, net: Cidr): string | undefined {
  const pointToPoint = net.length >= (net.family === 4 ? 31 : 127);
  if (pointToPoint) return undefined;
  if (a.value === net.base) return `the network address of ${formatCidr(net)}`;
  if (net.family === 4 && a.value === cidrLast(net)) return `the broadcast address of ${formatCidr(net)}`;
  return undefined;
}
