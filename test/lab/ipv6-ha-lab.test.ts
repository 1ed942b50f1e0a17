import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Lab } from '../../src/lab/types.js';
import { labDown, labStatus, labUp } from '../../lab/local/index.js';
import { NO_TRACES, labTraces, sshRun, useLabHome } from './helpers.js';
import { loadLab } from '../../src/lab/load.js';

const ipv6ha = await loadLab(resolve(import.meta.dirname, '..', '..', 'lab', 'ipv6-ha.yaml'));
let classic: Lab;

beforeAll(async () => {
  useLabHome();
  classic = await loadLab(inject('classicLab'));
  await labUp(ipv6ha);
});

afterAll(async () => {
  await labDown(ipv6ha.name);
});

describe('the ipv6-ha lab, side by side with the classic lab', () => {
  it('every one of its 8 machines answers OpenSSH with its pinned host key', async () => {
    const results = await Promise.all(ipv6ha.hosts.map((h) => sshRun(ipv6ha, h.name, 'hostname; ip -4 -o addr show scope global | wc -l')));
    expect(results.map((r) => r.stdout)).toEqual(ipv6ha.hosts.map((h) => `${h.name}\n0\n`));
  });

  it('machines reach each other and the host over IPv6', async () => {
    const targets = [...ipv6ha.hosts.map((h) => h.addresses.ipv6!), ipv6ha.networks.hostAddress.ipv6!];
    const script = `for a in ${targets.join(' ')}; do ping -c1 -W2 $a >/dev/null && echo ok || echo FAIL $a; done`;
    const results = await Promise.all(ipv6ha.hosts.map((h) => sshRun(ipv6ha, h.name, script)));
    for (const result of results) expect(result.stdout).toBe('ok\n'.repeat(targets.length));
  });

  it('both labs run at once, and neither reaches the other', async () => {
    const [a, b] = await Promise.all([labStatus(classic), labStatus(ipv6ha)]);
    expect(a.up && b.up).toBe(true);
    const cross = await sshRun(ipv6ha, 'server', `ping -c1 -W1 ${classic.hosts[0]!.addresses.ipv6} >/dev/null 2>&1 && echo reached || echo isolated`);
    expect(cross.stdout.trim()).toBe('isolated');
    expect((await sshRun(classic, 'server', 'hostname')).stdout.trim()).toBe('server');
  });

  it('routers and controllers may manage their own network (CAP_NET_ADMIN) and FRR is installed but off', async () => {
    const result = await sshRun(
      ipv6ha,
      'home1',
      'ip addr add fd00:4::99/128 dev eth0 && ip addr del fd00:4::99/128 dev eth0 && echo net-admin; systemctl is-active frr; test -x /usr/lib/frr/bgpd && echo bgpd',
    );
    expect(result.stdout).toBe('net-admin\ninactive\nbgpd\n');
  });

  it('its down leaves no trace and the classic lab untouched', async () => {
    await labDown(ipv6ha.name);
    expect(labTraces(ipv6ha)).toEqual(NO_TRACES);
    expect((await labStatus(classic)).up).toBe(true);
  });
});
