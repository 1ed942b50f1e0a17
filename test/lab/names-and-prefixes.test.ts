import { describe, expect, it } from 'vitest';
import { parsePrefix, prefixesOverlap } from '../../lab/local/cidr.js';
import { bridgePort, hostVeth, machineNetns } from '../../lab/local/names.js';

const overlap = (a: string, b: string) => prefixesOverlap(parsePrefix(a), parsePrefix(b));

describe('prefix overlap (the refusal of a second lab on the same network)', () => {
  it('IPv4: containment and neighbours', () => {
    expect(overlap('10.240.0.0/24', '10.240.0.0/16')).toBe(true);
    expect(overlap('10.240.0.0/24', '10.240.1.0/24')).toBe(false);
    expect(overlap('10.240.0.128/25', '10.240.0.0/24')).toBe(true);
  });

  it('IPv6: compressed forms, containment, neighbours; families never overlap', () => {
    expect(overlap('fd00:4::/64', 'fd00:4:0:0::/48')).toBe(true);
    expect(overlap('fd00:4::/64', 'fd00:4:0:1::/64')).toBe(false);
    expect(overlap('fd00:10:240::/64', 'fd00:10:240::10/128')).toBe(true);
    expect(overlap('::ffff:10.0.0.0/120', '::ffff:10.0.0.5/128')).toBe(true);
    expect(overlap('10.0.0.0/8', '::/0')).toBe(false);
  });

  it('refuses what is not a prefix', () => {
    expect(() => parsePrefix('10.0.0.300/24')).toThrow(/not an IP prefix/);
    expect(() => parsePrefix('10.0.0.0/33')).toThrow(/bad prefix length/);
  });
});

describe('kernel object names', () => {
  it('the host-side veth fits the 15-character limit for any lab name, and differs per lab', () => {
    const long = 'a'.repeat(32);
    expect(hostVeth(long).length).toBeLessThanOrEqual(15);
    expect(hostVeth('classic')).not.toBe(hostVeth('ipv6-ha'));
    expect(bridgePort(99).length).toBeLessThanOrEqual(15);
  });

  it('namespaces carry the lab and host names', () => {
    expect(machineNetns('classic', 'node-0')).toBe('kthw-classic-node-0');
  });
});
