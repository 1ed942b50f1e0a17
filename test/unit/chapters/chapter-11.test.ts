/**
 * Chapter 11 as plans: which machine routes which pod range via which node, written into one unit
 * per machine, and a check per route whose script names the range, the next hop and the owner.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { findChapter } from '../../../chapters/index.js';
import type { Lab } from '../../../src/lab/types.js';
import type { FileAction, Plan } from '../../../src/plan/types.js';
import { shippedLabs } from './fixtures.js';

let classic: Lab;
beforeAll(async () => {
  classic = (await shippedLabs()).classic!;
});

const plan = (lab: Lab): Plan => findChapter('chapter-11').plan(lab, {});
const unitFile = (p: Plan, host: string) =>
  p.steps.find((s) => s.host === host)!.actions.find((a): a is FileAction => a.kind === 'file' && a.path === '/etc/systemd/system/pod-routes.service')!;

describe('chapter 11, pod network routes', () => {
  it('gives the controller a route to every worker and each worker a route to the others, none to itself', () => {
    const p = plan(classic);
    expect(p.steps.map((s) => s.host)).toEqual(['server', 'node-0', 'node-1']);
    expect(unitFile(p, 'server').content).toContain(
      'ExecStart=ip -4 route replace 10.200.0.0/24 via 10.240.0.20\nExecStart=ip -4 route replace 10.200.1.0/24 via 10.240.0.21\n',
    );
    expect(unitFile(p, 'node-0').content).toMatch(/^ExecStart=ip -4 route replace 10\.200\.1\.0\/24 via 10\.240\.0\.21$/m);
    expect(unitFile(p, 'node-0').content).not.toContain('10.200.0.0/24');
    expect(unitFile(p, 'node-1').content).toMatch(/^ExecStop=-ip -4 route del 10\.200\.0\.0\/24 via 10\.240\.0\.20$/m);
    expect(p.steps.find((s) => s.host === 'jumpbox')).toBeUndefined();
  });

  it('checks each route by its owner and next hop, and the unit on every machine', () => {
    const ids = plan(classic).checks.map((c) => c.id);
    expect(ids).toEqual([
      'unit-pod-routes-server',
      'route-server-to-node-0-ipv4',
      'route-server-to-node-1-ipv4',
      'unit-pod-routes-node-0',
      'route-node-0-to-node-1-ipv4',
      'unit-pod-routes-node-1',
      'route-node-1-to-node-0-ipv4',
    ]);
    const route = plan(classic).checks.find((c) => c.id === 'route-node-0-to-node-1-ipv4')!;
    expect(route.params.run).toContain('ip -4 route show 10.200.1.0/24');
    expect(route.params.run).toContain("'via 10.240.0.21 '");
    expect(route.params.run).toContain('route get 10.200.1.1');
  });

  it('routes IPv6 pod ranges with ip -6, and refuses a worker whose pod range has no address of its family to go via', () => {
    const v6: Lab = {
      ...classic,
      networks: { ...classic.networks, pods: { ipv6: 'fd00:200::/56' } },
      hosts: classic.hosts.map((h) => (h.podCidr ? { ...h, podCidr: { ipv6: `fd00:200:0:${h.name.slice(-1)}::/64` } } : h)),
    };
    expect(unitFile(plan(v6), 'node-0').content).toMatch(/^ExecStart=ip -6 route replace fd00:200:0:1::\/64 via fd00:10:240::21$/m);
    const noV6 = { ...v6, hosts: v6.hosts.map((h) => (h.name === 'node-1' ? { ...h, addresses: { ipv4: h.addresses.ipv4 } } : h)) };
    expect(() => plan(noV6)).toThrow(/node-1 has a ipv6 pod range but no ipv6 address to route it through/);
  });
});
