/**
 * Lab files that validation used to accept and a later command (or the cluster) refused: each case
 * failed before these rules and must be the file's first problem now.
 */
import { describe, expect, it } from 'vitest';
import { CLASSIC, edit, HA, labErrorOf } from './lab-fixtures.js';

const classic = (from: string, to: string) => edit(CLASSIC, from, to);
const ha = (from: string, to: string) => edit(HA, from, to);

interface Case {
  name: string;
  text: string;
  message: string;
  line: number;
  count?: number;
}

const cases: Case[] = [
  // Names that already mean this machine or a group of hosts.
  ...['local', 'localhost', 'all', 'ungrouped', 'controllers', 'etcd', 'workers', 'routers', 'jumpboxes'].map((name) => ({
    name: `a host named ${name}`,
    text: classic('  - name: node-1\n', `  - name: ${name}\n`),
    message: `host name "${name}" is reserved: ${
      name === 'local'
        ? "kthw's plans use it for this machine (the one kthw runs on)"
        : name === 'localhost'
          ? 'it names this machine, for kthw and for Ansible'
          : name === 'all'
            ? "it means every host (kthw lab reset all, Ansible's group of all hosts)"
            : name === 'ungrouped'
              ? "it is one of Ansible's built-in groups"
              : 'it is the name of an Ansible group of the export (hosts by role)'
    }`,
    line: 24,
  })),
  // Addresses that are this machine: every "remote" action would land here.
  {
    name: 'a loopback node network',
    text: classic('nodes: { ipv4: 10.240.0.0/24 }', 'nodes: { ipv4: 127.0.0.0/24 }')
      .replace('hostAddress: { ipv4: 10.240.0.1 }', 'hostAddress: { ipv4: 127.0.0.1 }')
      .replace(/10\.240\.0\.(\d+) }/g, '127.0.0.$1 }'),
    message: 'node network 127.0.0.0/24 overlaps the loopback range 127.0.0.0/8: every address in it is this machine',
    line: 6,
  },
  {
    name: 'an IPv6 node network holding ::1',
    text: ha('nodes: { ipv6: "fd00:4::/64" }', 'nodes: { ipv6: "::/64" }'),
    message: 'node network ::/64 overlaps the unspecified address ::',
    line: 6,
    count: 8,
  },
  // versions
  {
    name: 'versions: {}',
    text: CLASSIC.replace(/versions:\n[\s\S]*$/, 'versions: {}\n'),
    message: 'versions has no etcd entry: chapter 07 installs etcd at that version',
    line: 28,
  },
  {
    name: 'no etcd version',
    text: classic('  etcd:\n', '  kubernetes:\n'),
    message: 'versions has no etcd entry: chapter 07 installs etcd at that version',
    line: 28,
  },
  {
    name: 'an etcd version chapter 07 cannot read',
    text: classic('version: v3.6.0-rc.3', 'version: latest'),
    message: 'etcd version "latest" is not major.minor.patch: chapter 07 needs it to choose etcd\'s settings',
    line: 30,
  },
  {
    name: 'a download URL that ends in a directory',
    text: classic('{version}/etcd-{version}-linux-{arch}.tar.gz', '{version}/'),
    message: 'download URL "https://github.com/etcd-io/etcd/releases/download/{version}/" of etcd does not end in a plain file name',
    line: 32,
  },
  {
    name: 'two downloads saved under one file name',
    text: classic('versions:\n', 'versions:\n  other:\n    version: v1.0.0\n    urls: [https://example.org/v3.6.0-rc.3/etcd-v3.6.0-rc.3-linux-amd64.tar.gz]\n'),
    message: 'two downloads would both be saved as downloads/etcd-v3.6.0-rc.3-linux-amd64.tar.gz (other has a URL ending in it too)',
    line: 35,
  },
  // What kube-apiserver, the bridge, SSH and BGP would refuse later.
  {
    name: 'an IPv4 service range larger than /12',
    text: classic('services: { ipv4: 10.32.0.0/24 }', 'services: { ipv4: 10.32.0.0/11 }'),
    message: 'service network 10.32.0.0/11 is larger than kube-apiserver accepts (ipv4 prefixes of /12 or longer)',
    line: 9,
  },
  {
    name: 'an IPv6 service range larger than /108',
    text: ha('services: { ipv6: "fd00:4:32::/112" }', 'services: { ipv6: "fd00:4:32::/107" }'),
    message: 'service network fd00:4:32::/107 is larger than kube-apiserver accepts (ipv6 prefixes of /108 or longer)',
    line: 9,
  },
  {
    name: 'a /32 pod CIDR for a node',
    text: classic('podCidr: { ipv4: 10.200.0.0/24 }', 'podCidr: { ipv4: 10.200.0.0/32 }'),
    message: "pod CIDR 10.200.0.0/32 of node-0 is too small: it must hold the bridge's gateway and at least one pod",
    line: 23,
  },
  {
    name: 'a /128 pod CIDR for a node',
    text: ha('podCidr: { ipv6: "fd00:4:69::/64" }', 'podCidr: { ipv6: "fd00:4:69::/128" }'),
    message: "pod CIDR fd00:4:69::/128 of node-0 is too small: it must hold the bridge's gateway and at least one pod",
    line: 31,
  },
  { name: 'the API on port 22', text: classic('port: 6443', 'port: 22'), message: 'API port 22 is the SSH port of controller server', line: 12 },
  { name: "the API on etcd's port", text: classic('port: 6443', 'port: 2379'), message: "API port 2379 is etcd's client port on the controllers", line: 12 },
  {
    name: "api.name a worker's FQDN",
    text: classic('name: server.kubernetes.local', 'name: node-0.kubernetes.local'),
    message: 'API name node-0.kubernetes.local is the name of host node-0, which is not a controller',
    line: 12,
  },
  {
    name: "api.name a host's FQDN beside a VIP",
    text: ha('name: lab-k8s', 'name: server.kubernetes.local'),
    message: 'API name server.kubernetes.local is the name of host server: it would resolve to that host, not to the VIP',
    line: 12,
  },
  {
    name: "a router in the cluster's AS",
    text: ha('asn: 65069', 'asn: 65004'),
    message: "router home1's asn 65004 is the cluster's own AS (networks.bgp.clusterAsn)",
    line: 18,
  },
];

describe('what later commands refused is refused by validation', () => {
  it.each(cases)('$name', (c) => {
    const error = labErrorOf(c.text);
    expect(error.problems[0]!.message).toBe(c.message);
    expect(error.problems[0]!.line).toBe(c.line);
    expect(error.problems).toHaveLength(c.count ?? 1);
  });
});
