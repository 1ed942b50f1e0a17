import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { classicLab, ipv6HaLab } from '../../../test/fixtures/tui-labs.js';
import { Topology } from './Topology.js';

describe('Topology', () => {
  it('draws the classic lab: every host with roles and both addresses, the ranges, no BGP', () => {
    const frame = render(<Topology lab={classicLab} height={22} scroll={0} />).lastFrame()!;
    expect(frame).toContain('node network 10.240.0.0/24  fd00:10:240::/64');
    expect(frame).toMatch(/├── jumpbox +jumpbox +10\.240\.0\.10 +fd00:10:240::10/);
    expect(frame).toMatch(/└── node-1 +worker +10\.240\.0\.21 +fd00:10:240::21 +pods 10\.200\.1\.0\/24/);
    expect(frame).toContain('API  server.kubernetes.local:6443 → server');
    expect(frame).toContain('services  10.32.0.0/24 · cluster DNS 10.32.0.10');
    expect(frame).not.toContain('BGP');
  });

  it('draws the ipv6-ha lab with its VIP, router AS numbers and BGP peers', () => {
    const frame = render(<Topology lab={ipv6HaLab} height={40} scroll={0} />).lastFrame()!;
    expect(frame).toContain('API  lab-k8s:6443 → VIP fd00:4::4');
    expect(frame).toMatch(/├── home1 +router, jumpbox +fd00:4::2 +AS 65069/);
    expect(frame).toContain('BGP: cluster AS 65004 · hold 9 s · keepalive 3 s');
    expect(frame).toMatch(/home1 \(AS 65069\) ⇄ server, server2, server3 +kube-vip/);
    expect(frame).toMatch(/⇄ node-0, node-1, node-2 +Cilium: pod ranges/);
    expect(frame).toContain('home2 (AS 65070)');
  });
});
