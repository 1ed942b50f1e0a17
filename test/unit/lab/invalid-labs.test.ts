import { describe, expect, it } from 'vitest';
import { parseLab } from '../../../src/lab/load.js';
import { formatError } from '../../../src/util/errors.js';
import { CLASSIC, edit, HA, labErrorOf } from './lab-fixtures.js';

interface Case {
  name: string;
  text: string;
  message: string;
  line: number;
  column?: number;
  /** How many problems the file has in all (default 1). */
  count?: number;
  fix?: string;
}

const classic = (from: string, to: string) => edit(CLASSIC, from, to);
const ha = (from: string, to: string) => edit(HA, from, to);
const HOSTS_LABEL = 'DNS-1123 label (1–63 characters: a-z, 0-9 and "-", starting and ending with a letter or digit)';

const cases: Case[] = [
  // YAML itself
  {
    name: 'a flow list holding an unquoted {placeholder}',
    text: classic(
      '    urls:\n      - https://github.com/etcd-io/etcd/releases/download/{version}/etcd-{version}-linux-{arch}.tar.gz',
      '    urls: [https://example.org/{version}/etcd]',
    ),
    message: 'YAML: Missing , or : between flow sequence items',
    line: 31,
    count: 2,
  },
  {
    name: 'a duplicate key',
    text: classic('arch: amd64\n', 'arch: amd64\narch: arm64\n'),
    message: 'YAML: Map keys must be unique',
    line: 5,
    column: 1,
    fix: 'keep one of the two entries',
  },
  {
    name: 'a tab as indentation',
    text: classic('  clusterDomain: cluster.local', '\tclusterDomain: cluster.local'),
    message: 'YAML: Tabs are not allowed as indentation',
    line: 11,
    column: 1,
    count: 3,
  },
  {
    name: 'two documents',
    text: `${CLASSIC}---\nname: other\n`,
    message: 'YAML: the file holds more than one document (a "---" line starts another)',
    line: 33,
  },
  { name: 'an empty file', text: '# nothing here\n', message: 'the lab file is empty', line: 1 },
  { name: 'a list at the top', text: '- name: test\n', message: 'the lab file must be a mapping, not a list', line: 1 },
  {
    name: 'an alias bomb',
    text: [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
      '',
    ].join('\n'),
    message: 'YAML: the file expands aliases (*name) too many times',
    line: 1,
  },
  {
    name: 'a __proto__ key',
    text: classic('versions:\n', 'versions:\n  __proto__: { version: v1, source: image }\n'),
    message: 'the key "__proto__" is not allowed',
    line: 29,
    column: 3,
  },
  {
    name: 'a list as a key',
    text: classic('  etcd:\n', '  ? [a, b]\n  : 1\n  etcd:\n'),
    message: 'a key must be a plain name, not a list, a mapping or an empty key',
    line: 29,
    column: 5,
  },
  {
    name: 'a merge key (not supported, said first)',
    text: classic('    roles: [jumpbox]\n', '    <<: { roles: [jumpbox] }\n'),
    message: 'YAML merge keys (<<) are not supported in lab files',
    line: 15,
    column: 5,
    fix: 'write the keys out in full where the merge would put them',
  },
  { name: 'a plain string document', text: 'just a string\n', message: 'the lab file must be a mapping, not the string "just a string"', line: 1 },
  {
    name: 'binary data for a name',
    text: classic('name: test', 'name: !!binary aGVsbG8='),
    message: 'name must be a string, not binary data',
    line: 1,
    column: 16,
    fix: 'write a string there',
  },
  // shape
  { name: 'a missing top-level key', text: classic('domain: kubernetes.local\n', ''), message: 'missing required key "domain"', line: 1, column: 1 },
  {
    name: 'a missing choice',
    text: classic('arch: amd64\n', ''),
    message: 'missing required key "arch"',
    line: 1,
    column: 1,
    fix: 'add arch: (lab/classic.yaml shows every key)',
  },
  {
    name: 'a missing host key',
    text: classic('    addresses: { ipv4: 10.240.0.11 }\n', ''),
    message: 'missing required key "addresses" in hosts[1]',
    line: 17,
    column: 5,
  },
  {
    name: 'an unknown key (typo)',
    text: classic('    roles: [jumpbox]\n', '    roles: [jumpbox]\n    sshh: { user: admin }\n'),
    message: 'unknown key "sshh" in hosts[0]',
    line: 16,
    column: 5,
    fix: 'did you mean "ssh"?',
  },
  {
    name: 'an unknown key in networks',
    text: classic('  clusterDomain: cluster.local', '  clusterDomain: cluster.local\n  dnsDomain: cluster.local'),
    message: 'unknown key "dnsDomain" in networks',
    line: 12,
    column: 3,
    fix: 'remove it; the keys allowed here are nodes, hostAddress, pods, services, clusterDns, clusterDomain, api, bgp',
  },
  {
    name: 'a misspelt required key is reported once, as the typo',
    text: classic('port: 6443', 'prot: 6443'),
    message: 'unknown key "prot" in networks.api',
    line: 12,
    column: 41,
    fix: 'did you mean "port"?',
  },
  {
    name: 'a misspelt family is reported once',
    text: classic('pods: { ipv4: 10.200.0.0/16 }', 'pods: { ipv5: 10.200.0.0/16 }'),
    message: 'unknown key "ipv5" in networks.pods',
    line: 8,
    column: 11,
    fix: 'did you mean "ipv4"?',
  },
  {
    name: 'a misspelt track',
    text: classic('track: classic', 'track: clasic'),
    message: 'track must be one of classic, ipv6-ha, not "clasic"',
    line: 2,
    column: 8,
    fix: 'did you mean "classic"?',
  },
  {
    name: 'an unknown arch',
    text: classic('arch: amd64', 'arch: x86_64'),
    message: 'arch must be one of amd64, arm64, not "x86_64"',
    line: 4,
    fix: 'write one of amd64, arm64',
  },
  {
    name: 'a version YAML reads as a number',
    text: classic('version: v3.6.0-rc.3', 'version: 3.6'),
    message: 'versions.etcd.version must be a string, not the number 3.6',
    line: 30,
    column: 14,
    fix: 'quote it: version: "3.6"',
  },
  {
    name: 'roles given as a string',
    text: classic('roles: [worker]\n    addresses: { ipv4: 10.240.0.20 }', 'roles: worker\n    addresses: { ipv4: 10.240.0.20 }'),
    message: 'hosts[2].roles must be a list, not the string "worker"',
    line: 21,
    column: 12,
  },
  {
    name: 'an unknown role',
    text: classic('roles: [worker]\n    addresses: { ipv4: 10.240.0.21 }', 'roles: [wroker]\n    addresses: { ipv4: 10.240.0.21 }'),
    message: 'hosts[3].roles[0] must be one of jumpbox, controller, etcd, worker, router, not "wroker"',
    line: 25,
    column: 13,
    count: 1,
    fix: 'did you mean "worker"?',
  },
  { name: 'no roles', text: classic('roles: [jumpbox]', 'roles: []'), message: 'roles is empty', line: 15, column: 12 },
  {
    name: 'an empty ssh section',
    text: classic('    roles: [jumpbox]\n', '    roles: [jumpbox]\n    ssh:\n'),
    message: 'hosts[0].ssh must be a mapping, not empty',
    line: 16,
    column: 5,
  },
  {
    name: 'an ssh port out of range',
    text: classic('    roles: [jumpbox]\n', '    roles: [jumpbox]\n    ssh: { port: 70000 }\n'),
    message: 'ssh port must be a whole number from 1 to 65535, not 70000',
    line: 16,
    column: 18,
  },
  { name: 'API port 0', text: classic('port: 6443', 'port: 0'), message: 'API port must be a whole number from 1 to 65535, not 0', line: 12, column: 47 },
  {
    name: 'an upper-case host name',
    text: classic('name: node-0', 'name: Node_0'),
    message: `host name "Node_0" is not a ${HOSTS_LABEL}`,
    line: 20,
    column: 11,
    fix: 'rename it, e.g. "node-0"',
  },
  {
    name: 'a domain with an empty label',
    text: classic('domain: kubernetes.local', 'domain: kubernetes..local'),
    message: 'domain "kubernetes..local" is not a DNS-1123 subdomain (dot-separated labels of a-z, 0-9 and "-", at most 253 characters)',
    line: 3,
  },
  // addresses and prefixes
  {
    name: 'an address that does not parse',
    text: classic('10.240.0.21 }', '10.240.0.300 }'),
    message: 'address "10.240.0.300" is not an IP address',
    line: 26,
    column: 24,
  },
  {
    name: 'an IPv6 address under ipv4',
    text: classic('{ ipv4: 10.240.0.21 }', '{ ipv4: "fd00::21" }'),
    message: 'address "fd00::21" is not an IPv4 address',
    line: 26,
    fix: 'put it under ipv6:',
  },
  {
    name: 'a prefix with host bits set',
    text: classic('10.240.0.0/24', '10.240.0.5/24'),
    message: 'node network "10.240.0.5/24" is not a prefix: it has host bits set (the prefix is 10.240.0.0/24)',
    line: 6,
    column: 18,
  },
  {
    name: 'a family with no value',
    text: classic('services: { ipv4: 10.32.0.0/24 }', 'services: {}'),
    message: 'service network gives neither ipv4 nor ipv6',
    line: 9,
    column: 13,
  },
  {
    name: 'an address outside the node network',
    text: classic('10.240.0.21 }', '10.241.0.21 }'),
    message: 'host node-1: address 10.241.0.21 is outside the node network 10.240.0.0/24',
    line: 26,
    column: 24,
  },
  {
    name: 'the network address as a host address',
    text: classic('10.240.0.10 }', '10.240.0.0 }'),
    message: 'host jumpbox: address 10.240.0.0 is the network address of 10.240.0.0/24',
    line: 16,
  },
  {
    name: 'a broadcast address',
    text: classic('10.240.0.10 }', '10.240.0.255 }'),
    message: 'host jumpbox: address 10.240.0.255 is the broadcast address of 10.240.0.0/24',
    line: 16,
  },
  {
    name: 'two hosts on one address',
    text: classic('10.240.0.21 }', '10.240.0.20 }'),
    message: 'host node-1: address 10.240.0.20 is already used by host node-0',
    line: 26,
    fix: 'give every host its own address',
  },
  {
    name: 'two hosts of one name',
    text: classic('name: node-1', 'name: node-0'),
    message: 'host name "node-0" is already used by hosts[2]',
    line: 24,
    column: 11,
  },
  {
    name: "a host on the lab host's address",
    text: classic('10.240.0.10 }', '10.240.0.1 }'),
    message: "host jumpbox: address 10.240.0.1 is the lab host's own address (networks.hostAddress)",
    line: 16,
  },
  {
    name: 'a lab host address outside the node network',
    text: classic('hostAddress: { ipv4: 10.240.0.1 }', 'hostAddress: { ipv4: 10.99.0.1 }'),
    message: 'host address 10.99.0.1 is outside the node network 10.240.0.0/24',
    line: 7,
    column: 24,
  },
  {
    name: 'a node family missing from a host',
    text: classic(
      '  nodes: { ipv4: 10.240.0.0/24 }\n  hostAddress: { ipv4: 10.240.0.1 }',
      '  nodes: { ipv4: 10.240.0.0/24, ipv6: "fd00::/64" }\n  hostAddress: { ipv4: 10.240.0.1, ipv6: "fd00::1" }',
    ),
    message: 'host jumpbox has no ipv6 address, but the node network has ipv6',
    line: 16,
    column: 16,
    count: 4,
  },
  // cluster ranges
  {
    name: 'a pod CIDR outside the pod network',
    text: classic('10.200.1.0/24', '10.201.1.0/24'),
    message: 'pod CIDR 10.201.1.0/24 of node-1 is outside the pod network 10.200.0.0/16',
    line: 27,
    column: 22,
  },
  {
    name: 'overlapping pod CIDRs',
    text: classic('10.200.1.0/24', '10.200.0.128/25'),
    message: "pod CIDR 10.200.0.128/25 of node-1 overlaps node-0's 10.200.0.0/24",
    line: 27,
  },
  {
    name: 'a pod network over the node network',
    text: classic('pods: { ipv4: 10.200.0.0/16 }', 'pods: { ipv4: 10.0.0.0/8 }'),
    message: 'pod network 10.0.0.0/8 overlaps the node network 10.240.0.0/24',
    line: 8,
    column: 17,
    count: 2,
  },
  {
    name: 'a service network inside the pod network',
    text: classic('services: { ipv4: 10.32.0.0/24 }\n  clusterDns: 10.32.0.10', 'services: { ipv4: 10.200.99.0/24 }\n  clusterDns: 10.200.99.10'),
    message: 'service network 10.200.99.0/24 overlaps the pod network 10.200.0.0/16',
    line: 9,
  },
  {
    name: 'a DNS address outside the services',
    text: classic('clusterDns: 10.32.0.10', 'clusterDns: 10.33.0.10'),
    message: 'cluster DNS address 10.33.0.10 is outside the service network 10.32.0.0/24',
    line: 10,
    column: 15,
    fix: 'pick an address inside 10.32.0.0/24, e.g. 10.32.0.10',
  },
  {
    name: 'a DNS address of the wrong family',
    text: classic('clusterDns: 10.32.0.10', 'clusterDns: "fd00::10"'),
    message: 'cluster DNS address fd00::10 is ipv6, but the service network has no ipv6 prefix',
    line: 10,
  },
  {
    name: "the kubernetes service's address as DNS",
    text: classic('clusterDns: 10.32.0.10', 'clusterDns: 10.32.0.1'),
    message: 'cluster DNS address 10.32.0.1 is taken by the kubernetes API service (the first address of 10.32.0.0/24)',
    line: 10,
  },
  // roles
  { name: 'no jumpbox', text: classic('roles: [jumpbox]', 'roles: [controller]'), message: 'no host has the jumpbox role', line: 14, column: 3 },
  {
    name: 'two jumpboxes',
    text: classic('roles: [controller, etcd]', 'roles: [controller, etcd, jumpbox]'),
    message: 'host server is a second jumpbox (jumpbox is one already)',
    line: 18,
    column: 12,
  },
  { name: 'no controller', text: classic('roles: [controller, etcd]', 'roles: [etcd]'), message: 'no host has the controller role', line: 14 },
  { name: 'no etcd', text: classic('roles: [controller, etcd]', 'roles: [controller]'), message: 'no host has the etcd role', line: 14 },
  {
    name: 'a role listed twice',
    text: classic('roles: [controller, etcd]', 'roles: [controller, etcd, controller]'),
    message: 'host server lists the role controller twice',
    line: 18,
    column: 31,
  },
  {
    name: 'a worker without a pod CIDR',
    text: classic('    podCidr: { ipv4: 10.200.0.0/24 }\n', ''),
    message: 'worker node-0 has no podCidr',
    line: 20,
    column: 5,
  },
  {
    name: 'a pod CIDR on a host that is neither a worker nor a controller',
    text: classic('    addresses: { ipv4: 10.240.0.10 }\n', '    addresses: { ipv4: 10.240.0.10 }\n    podCidr: { ipv4: 10.200.9.0/24 }\n'),
    message: 'host jumpbox has a podCidr but is neither a worker nor a controller',
    line: 17,
    column: 5,
  },
  { name: 'a router without an asn', text: classic('roles: [jumpbox]', 'roles: [jumpbox, router]'), message: 'router jumpbox has no asn', line: 14, column: 5 },
  {
    name: 'an asn on a non-router',
    text: classic('    addresses: { ipv4: 10.240.0.11 }\n', '    addresses: { ipv4: 10.240.0.11 }\n    asn: 65001\n'),
    message: 'host server has an asn but is not a router',
    line: 20,
    column: 5,
  },
  // ssh
  {
    name: 'a jump host that does not exist',
    text: classic(
      '    roles: [worker]\n    addresses: { ipv4: 10.240.0.21 }',
      '    roles: [worker]\n    ssh: { jump: bastion }\n    addresses: { ipv4: 10.240.0.21 }',
    ),
    message: 'ssh jump host "bastion" of node-1 is not a host of this lab',
    line: 26,
    column: 18,
  },
  {
    name: 'a host jumping through itself',
    text: classic(
      '    roles: [worker]\n    addresses: { ipv4: 10.240.0.21 }',
      '    roles: [worker]\n    ssh: { jump: node-1 }\n    addresses: { ipv4: 10.240.0.21 }',
    ),
    message: 'host node-1 cannot jump through itself',
    line: 26,
  },
  {
    name: 'jump hosts in a loop',
    text: classic('    roles: [controller, etcd]\n', '    roles: [controller, etcd]\n    ssh: { jump: node-0 }\n').replace(
      '    roles: [worker]\n    addresses: { ipv4: 10.240.0.20 }',
      '    roles: [worker]\n    ssh: { jump: server }\n    addresses: { ipv4: 10.240.0.20 }',
    ),
    message: 'ssh jump hosts form a loop: server → node-0 → server',
    line: 19,
    count: 2,
  },
  // versions
  {
    name: 'a download without URLs',
    text: classic('    urls:\n      - https://github.com/etcd-io/etcd/releases/download/{version}/etcd-{version}-linux-{arch}.tar.gz\n', ''),
    message: 'component etcd is downloaded but lists no urls',
    line: 29,
    column: 3,
  },
  {
    name: 'an ftp URL',
    text: classic('https://github.com/etcd-io', 'ftp://github.com/etcd-io'),
    message:
      'URL "ftp://github.com/etcd-io/etcd/releases/download/{version}/etcd-{version}-linux-{arch}.tar.gz" of etcd is not an http(s) URL of safe characters (letters, digits and _ . ~ % / + @ = : - plus {placeholders})',
    line: 32,
    column: 9,
  },
  {
    name: 'a misspelt placeholder',
    text: classic('etcd-{version}-linux', 'etcd-{verison}-linux'),
    message:
      'URL "https://github.com/etcd-io/etcd/releases/download/{version}/etcd-{verison}-linux-{arch}.tar.gz" of etcd uses the unknown placeholder {verison}',
    line: 32,
  },
  {
    name: 'a checksum that is not hex',
    text: classic('    urls:\n', `    sha256: { etcd-v3.6.0-rc.3-linux-amd64.tar.gz: "${'z'.repeat(64)}" }\n    urls:\n`),
    message: `sha256 of etcd-v3.6.0-rc.3-linux-amd64.tar.gz is not 64 lower-case hex digits: "${'z'.repeat(64)}"`,
    line: 31,
    column: 52,
  },
  {
    name: 'a checksum for a file no URL downloads',
    text: classic('    urls:\n', `    sha256: { etcd-v3.6.0-linux-amd64.tar.gz: "${'a'.repeat(64)}" }\n    urls:\n`),
    message: "sha256 entry etcd-v3.6.0-linux-amd64.tar.gz of etcd matches none of its URLs' files (etcd-v3.6.0-rc.3-linux-amd64.tar.gz)",
    line: 31,
    column: 15,
  },
  {
    name: 'an upper-case component name',
    text: classic('  etcd:\n', '  Etcd:\n'),
    message: 'component name "Etcd" is not a DNS-1123 label (a-z, 0-9 and "-")',
    line: 29,
    column: 3,
  },
  // ipv6-ha
  {
    name: 'an even etcd count on ipv6-ha',
    text: ha('    roles: [controller, etcd]\n    addresses: { ipv6: "fd00:4::21" }', '    roles: [controller]\n    addresses: { ipv6: "fd00:4::21" }'),
    message: 'track ipv6-ha needs an odd number of etcd hosts, not 2',
    line: 15,
    column: 3,
  },
  {
    name: 'routers without bgp on ipv6-ha',
    text: ha('  bgp: { clusterAsn: 65004, holdTimeSeconds: 9, keepaliveSeconds: 3 }\n', ''),
    message: 'track ipv6-ha has routers but networks.bgp is missing',
    line: 6,
    column: 3,
  },
  {
    name: 'ipv6-ha without IPv6 nodes',
    text: classic('track: classic', 'track: ipv6-ha'),
    message: 'track ipv6-ha needs an IPv6 node network',
    line: 6,
    column: 10,
  },
  {
    name: 'a VIP outside the node network',
    text: ha('vip: "fd00:4::4"', 'vip: "fd00:5::4"'),
    message: 'API VIP fd00:5::4 is outside the node network fd00:4::/64',
    line: 12,
    column: 42,
  },
  {
    name: 'a VIP on a host',
    text: ha('vip: "fd00:4::4"', 'vip: "fd00:4::0020"'),
    message: 'host server: address fd00:4::20 is the API VIP',
    line: 21,
    column: 24,
  },
  {
    name: 'a keepalive not below the hold time',
    text: ha('keepaliveSeconds: 3', 'keepaliveSeconds: 9'),
    message: 'keepaliveSeconds (9) must be less than holdTimeSeconds (9)',
    line: 13,
    column: 67,
  },
  {
    name: 'a worker missing a pod family',
    text: ha('podCidr: { ipv6: "fd00:4:69::/64" }', 'podCidr: { ipv4: 10.200.0.0/24 }'),
    message: 'worker node-0 has no ipv6 pod CIDR, but networks.pods has ipv6',
    line: 31,
    column: 14,
    count: 2,
  },
];

describe('malformed and inconsistent lab files', () => {
  it('has at least 30 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases)('$name', (c) => {
    const error = labErrorOf(c.text);
    const first = error.problems[0]!;
    expect(first.message).toBe(c.message);
    expect(first.line).toBe(c.line);
    if (c.column !== undefined) expect(first.column).toBe(c.column);
    if (c.fix !== undefined) expect(first.fix).toBe(c.fix);
    expect(error.problems.map((p) => `${p.line}:${p.column} ${p.message}`)).toHaveLength(c.count ?? 1);
    expect(error.where).toBe(`lab.yaml:${first.line}:${first.column}`);
  });

  it('the fixtures themselves are valid', () => {
    expect(parseLab(CLASSIC, 'classic-fixture.yaml').hosts).toHaveLength(4);
    expect(parseLab(HA, 'ha-fixture.yaml').hosts).toHaveLength(5);
  });
});

describe('reporting', () => {
  it('lists every problem, in file order, each at its file:line:column', () => {
    const text = classic('name: node-0', 'name: Node_0').replace('port: 6443', 'port: 99999').replace('track: classic', 'track: clasic');
    const error = labErrorOf(text, 'labs/mine.yaml');
    expect(error.problems.map((p) => `${p.line}:${p.column}`)).toEqual(['2:8', '12:47', '20:11']);
    expect(error.where).toBe('labs/mine.yaml:2:8');
    expect(formatError(error)).toBe(
      [
        'error: the lab file has 3 problems:',
        '  labs/mine.yaml:2:8: track must be one of classic, ipv6-ha, not "clasic"',
        '      fix: did you mean "classic"?',
        '  labs/mine.yaml:12:47: API port must be a whole number from 1 to 65535, not 99999',
        '      fix: give a value from 1 to 65535',
        `  labs/mine.yaml:20:11: host name "Node_0" is not a ${HOSTS_LABEL}`,
        '      fix: rename it, e.g. "node-0"',
        '  where: labs/mine.yaml:2:8',
        '  fix:   did you mean "classic"?',
      ].join('\n'),
    );
    expect(error.exitCode).toBe(2);
  });

  it('prints a single problem as one message with where and fix', () => {
    const error = labErrorOf(classic('10.240.0.21 }', '10.240.0.20 }'), 'lab.yaml');
    expect(formatError(error)).toBe(
      ['error: host node-1: address 10.240.0.20 is already used by host node-0', '  where: lab.yaml:26:24', '  fix:   give every host its own address'].join(
        '\n',
      ),
    );
  });

  it('gathers every semantic problem of a file at once', () => {
    const text = classic('roles: [jumpbox]', 'roles: [controller]')
      .replace('10.240.0.21 }', '10.240.0.20 }')
      .replace('clusterDns: 10.32.0.10', 'clusterDns: 10.33.0.10');
    expect(labErrorOf(text).problems.map((p) => p.message)).toEqual([
      'cluster DNS address 10.33.0.10 is outside the service network 10.32.0.0/24',
      'no host has the jumpbox role',
      'host node-1: address 10.240.0.20 is already used by host node-0',
    ]);
  });
});
