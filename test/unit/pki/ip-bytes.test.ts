import { describe, expect, it } from 'vitest';
import { bytesToIp, requireCanonicalIp as canonicalIp, firstAddressOf, ipToBytes } from '../../../src/lab/cidr.js';
import { UsageError } from '../../../src/util/errors.js';

describe('addresses for certificates', () => {
  it.each([
    ['10.32.0.0/24', '10.32.0.1'],
    ['10.96.0.0/12', '10.96.0.1'],
    ['10.32.0.77/24', '10.32.0.1'],
    ['fd00:4:32::/112', 'fd00:4:32::1'],
    ['2001:db8:9:ff::/108', '2001:db8:9:ff::1'],
    ['fd00::ffff:ff00/120', 'fd00::ffff:ff01'],
  ])('the first service address of %s is %s', (cidr, first) => {
    expect(firstAddressOf(cidr)).toBe(first);
  });

  it('refuses ranges that are not ranges', () => {
    expect(() => firstAddressOf('10.0.0.0')).toThrow(UsageError);
    expect(() => firstAddressOf('10.0.0.0/32')).toThrow(UsageError);
    expect(() => firstAddressOf('nonsense/8')).toThrow(UsageError);
  });

  it('writes IPv6 the RFC 5952 way', () => {
    expect(canonicalIp('FD00:0004:0000:0000:0000:0000:0000:0004')).toBe('fd00:4::4');
    expect(canonicalIp('0:0:0:0:0:0:0:1')).toBe('::1');
    expect(canonicalIp('1:0:0:2:0:0:0:3')).toBe('1:0:0:2::3');
    expect(canonicalIp('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1');
    expect(canonicalIp('::ffff:10.1.2.3')).toBe('::ffff:a01:203');
  });

  it('encodes 4 bytes for IPv4 and 16 for IPv6', () => {
    expect([...ipToBytes('192.168.50.100')]).toEqual([192, 168, 50, 100]);
    expect(ipToBytes('fd00:4::4').toString('hex')).toBe('fd000004000000000000000000000004');
    expect(bytesToIp(ipToBytes('::'))).toBe('::');
  });
});
