import { expect } from 'vitest';
import { LabError } from '../../../src/lab/lab-error.js';
import { parseLab } from '../../../src/lab/load.js';

/** A small valid classic lab; the line numbers of the cases below refer to it. */
export const CLASSIC = `name: test
track: classic
domain: kubernetes.local
arch: amd64
networks:
  nodes: { ipv4: 10.240.0.0/24 }
  hostAddress: { ipv4: 10.240.0.1 }
  pods: { ipv4: 10.200.0.0/16 }
  services: { ipv4: 10.32.0.0/24 }
  clusterDns: 10.32.0.10
  clusterDomain: cluster.local
  api: { name: server.kubernetes.local, port: 6443 }
hosts:
  - name: jumpbox
    roles: [jumpbox]
    addresses: { ipv4: 10.240.0.10 }
  - name: server
    roles: [controller, etcd]
    addresses: { ipv4: 10.240.0.11 }
  - name: node-0
    roles: [worker]
    addresses: { ipv4: 10.240.0.20 }
    podCidr: { ipv4: 10.200.0.0/24 }
  - name: node-1
    roles: [worker]
    addresses: { ipv4: 10.240.0.21 }
    podCidr: { ipv4: 10.200.1.0/24 }
versions:
  etcd:
    version: v3.6.0-rc.3
    urls:
      - https://github.com/etcd-io/etcd/releases/download/{version}/etcd-{version}-linux-{arch}.tar.gz
`;

/** A small valid ipv6-ha lab. */
export const HA = `name: ha
track: ipv6-ha
domain: kubernetes.local
arch: arm64
networks:
  nodes: { ipv6: "fd00:4::/64" }
  hostAddress: { ipv6: "fd00:4::1" }
  pods: { ipv6: "fd00:4:69::/56" }
  services: { ipv6: "fd00:4:32::/112" }
  clusterDns: "fd00:4:32::53"
  clusterDomain: cluster.local
  api: { name: lab-k8s, port: 6443, vip: "fd00:4::4" }
  bgp: { clusterAsn: 65004, holdTimeSeconds: 9, keepaliveSeconds: 3 }
hosts:
  - name: home1
    roles: [router, jumpbox]
    addresses: { ipv6: "fd00:4::2" }
    asn: 65069
  - name: server
    roles: [controller, etcd]
    addresses: { ipv6: "fd00:4::20" }
  - name: server2
    roles: [controller, etcd]
    addresses: { ipv6: "fd00:4::120" }
  - name: server3
    roles: [controller, etcd]
    addresses: { ipv6: "fd00:4::21" }
  - name: node-0
    roles: [worker]
    addresses: { ipv6: "fd00:4::30" }
    podCidr: { ipv6: "fd00:4:69::/64" }
versions:
  etcd: { version: v3.5.16, source: image }
`;

/** `text` with `from` replaced by `to`; `from` must occur exactly once, so a stale case fails loudly. */
export function edit(text: string, from: string, to: string): string {
  const count = text.split(from).length - 1;
  if (count !== 1) throw new Error(`fixture edit: ${JSON.stringify(from)} occurs ${count} times`);
  return text.replace(from, () => to);
}

export function labErrorOf(text: string, source = 'lab.yaml'): LabError {
  try {
    parseLab(text, source);
  } catch (error) {
    expect(error).toBeInstanceOf(LabError);
    return error as LabError;
  }
  throw new Error('expected the lab to be rejected, but it parsed');
}
