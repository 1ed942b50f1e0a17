import { describe, expect, it } from 'vitest';
import {
  canonicalAddress,
  cidrLast,
  containsAddress,
  containsCidr,
  formatAddress,
  formatCidr,
  nthAddress,
  overlaps,
  parseAddress,
  parseCidr,
  type Cidr,
} from '../../../src/lab/cidr.js';

function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (!parsed.ok) throw new Error(`${text}: ${parsed.reason}`);
  return parsed.cidr;
}

function address(text: string) {
  const parsed = parseAddress(text);
  if (!parsed) throw new Error(`not an address: ${text}`);
  return parsed;
}

describe('parseAddress', () => {
  it('reads IPv4 and IPv6 into numbers', () => {
    expect(address('10.240.0.1')).toEqual({ family: 4, value: 0x0af00001n });
    expect(address('255.255.255.255').value).toBe(0xffffffffn);
    expect(address('fd00:4::20')).toEqual({ family: 6, value: (0xfd00n << 112n) | (4n << 96n) | 0x20n });
    expect(address('::').value).toBe(0n);
    expect(address('::1').value).toBe(1n);
    expect(address('::ffff:10.0.0.1').value).toBe((0xffffn << 32n) | 0x0a000001n);
  });

  it.each(['10.240.0.300', '010.1.1.1', '10.0.0', '10.0.0.1/24', 'fd00::4::1', 'fe80::1%eth0', 'server', '', ' 10.0.0.1', 'g::1'])('rejects %j', (text) => {
    expect(parseAddress(text)).toBeUndefined();
  });
});

describe('formatAddress (canonical form)', () => {
  it.each([
    ['10.240.0.1', '10.240.0.1'],
    ['FD00:4:0:0:0:0:0:20', 'fd00:4::20'],
    ['fd00:0004::0020', 'fd00:4::20'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // the first of two equal zero runs
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // the longest zero run
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // one zero group stays
    ['0:0:0:0:0:0:0:0', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['1:0:0:0:0:0:0:0', '1::'],
    ['::ffff:10.0.0.1', '::ffff:a00:1'],
  ])('%s → %s', (input, canonical) => {
    expect(canonicalAddress(input)).toBe(canonical);
    expect(formatAddress(address(canonical))).toBe(canonical);
  });
});

describe('parseCidr', () => {
  it('reads prefixes of both families', () => {
    expect(cidr('10.200.0.0/16')).toEqual({ family: 4, base: 0x0ac80000n, length: 16 });
    expect(cidr('fd00:4:69::/56')).toMatchObject({ family: 6, length: 56 });
    expect(cidr('0.0.0.0/0')).toEqual({ family: 4, base: 0n, length: 0 });
    expect(cidr('10.0.0.1/32').base).toBe(0x0a000001n);
    expect(cidr('fd00::1/128').length).toBe(128);
  });

  it.each([
    ['10.240.0.0', 'has no /length'],
    ['10.240.0.5/24', 'has host bits set (the prefix is 10.240.0.0/24)'],
    ['fd00:4::1/64', 'has host bits set (the prefix is fd00:4::/64)'],
    ['10.240.0.0/33', 'has a prefix length that is not 0–32'],
    ['fd00::/129', 'has a prefix length that is not 0–128'],
    ['10.240.0.0/', 'has a prefix length that is not 0–32'],
    ['10.240.0.0/+8', 'has a prefix length that is not 0–32'],
    ['10.240.0.0/ 8', 'has a prefix length that is not 0–32'],
    ['10.240.0/24', 'has no valid address before the /'],
    ['/24', 'has no valid address before the /'],
  ])('rejects %j: %s', (text, reason) => {
    expect(parseCidr(text)).toEqual({ ok: false, reason });
  });

  it('formats back to canonical text', () => {
    expect(formatCidr(cidr('FD00:0004:0069:0000::/64'))).toBe('fd00:4:69::/64');
    expect(formatCidr(cidr('10.200.1.0/24'))).toBe('10.200.1.0/24');
  });
});

describe('contains, overlaps, nth address', () => {
  it('containsAddress: inclusive at both ends, never across families', () => {
    const net = cidr('10.240.0.0/24');
    expect(containsAddress(net, address('10.240.0.0'))).toBe(true);
    expect(containsAddress(net, address('10.240.0.255'))).toBe(true);
    expect(containsAddress(net, address('10.240.1.0'))).toBe(false);
    expect(containsAddress(net, address('10.239.255.255'))).toBe(false);
    expect(containsAddress(cidr('::/0'), address('10.240.0.1'))).toBe(false);
    expect(containsAddress(cidr('fd00:4::/64'), address('fd00:4::ffff:ffff:ffff:ffff'))).toBe(true);
    expect(containsAddress(cidr('fd00:4::/64'), address('fd00:4:0:1::'))).toBe(false);
  });

  it('containsCidr: inner must fit entirely', () => {
    expect(containsCidr(cidr('10.200.0.0/16'), cidr('10.200.255.0/24'))).toBe(true);
    expect(containsCidr(cidr('10.200.0.0/16'), cidr('10.200.0.0/16'))).toBe(true);
    expect(containsCidr(cidr('10.200.0.0/16'), cidr('10.200.0.0/15'))).toBe(false);
    expect(containsCidr(cidr('10.200.0.0/16'), cidr('10.201.0.0/24'))).toBe(false);
    expect(containsCidr(cidr('fd00:4:69::/56'), cidr('fd00:4:69:ff::/64'))).toBe(true);
    expect(containsCidr(cidr('fd00:4:69::/56'), cidr('fd00:4:69:100::/64'))).toBe(false);
  });

  it('overlaps: symmetric, adjacent ranges do not overlap', () => {
    const cases: Array<[string, string, boolean]> = [
      ['10.200.0.0/24', '10.200.1.0/24', false],
      ['10.200.0.0/23', '10.200.1.0/24', true],
      ['10.200.0.0/16', '10.200.7.0/24', true],
      ['10.0.0.0/8', '11.0.0.0/8', false],
      ['0.0.0.0/0', '192.168.1.0/24', true],
      ['fd00:4::/64', 'fd00:4:0:1::/64', false],
      ['fd00:4::/48', 'fd00:4:0:1::/64', true],
      ['10.0.0.0/8', '::/0', false],
    ];
    for (const [a, b, expected] of cases) {
      expect(overlaps(cidr(a), cidr(b)), `${a} ~ ${b}`).toBe(expected);
      expect(overlaps(cidr(b), cidr(a)), `${b} ~ ${a}`).toBe(expected);
    }
  });

  it('nthAddress counts from the base and stops at the end', () => {
    const net = cidr('10.240.0.0/24');
    expect(formatAddress(nthAddress(net, 0)!)).toBe('10.240.0.0');
    expect(formatAddress(nthAddress(net, 10)!)).toBe('10.240.0.10');
    expect(formatAddress(nthAddress(net, 255)!)).toBe('10.240.0.255');
    expect(nthAddress(net, 256)).toBeUndefined();
    expect(nthAddress(net, -1)).toBeUndefined();
    expect(formatAddress(nthAddress(cidr('fd00:4:32::/112'), 0x53n)!)).toBe('fd00:4:32::53');
    expect(formatAddress(nthAddress(cidr('fd00::/8'), 1n << 100n)!)).toBe('fd00:10::');
    expect(formatAddress({ family: 4, value: cidrLast(cidr('10.32.0.0/24')) })).toBe('10.32.0.255');
  });
});
