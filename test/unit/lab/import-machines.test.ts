import { describe, expect, it } from 'vitest';
import { importMachinesTxt } from '../../../src/lab/import-machines.js';
import { LabError } from '../../../src/lab/lab-error.js';
import { parseLab } from '../../../src/lab/load.js';
import { hostsWithRole } from '../../../src/lab/types.js';

const UPSTREAM = `10.240.0.11 server.kubernetes.local server
10.240.0.20 node-0.kubernetes.local node-0 10.200.0.0/24
10.240.0.21 node-1.kubernetes.local node-1 10.200.1.0/24
`;

function importError(text: string): LabError {
  try {
    importMachinesTxt(text, 'machines.txt');
  } catch (error) {
    expect(error).toBeInstanceOf(LabError);
    return error as LabError;
  }
  throw new Error('expected the import to fail');
}

describe('importMachinesTxt', () => {
  it("turns upstream's three machines into a classic lab with a jumpbox", () => {
    const lab = parseLab(importMachinesTxt(UPSTREAM, 'machines.txt'), 'imported.yaml');
    expect(lab.track).toBe('classic');
    expect(lab.domain).toBe('kubernetes.local');
    expect(lab.hosts.map((h) => [h.name, h.roles.join(','), h.addresses.ipv4, h.podCidr?.ipv4])).toEqual([
      ['jumpbox', 'jumpbox', '10.240.0.1', undefined],
      ['server', 'controller,etcd', '10.240.0.11', undefined],
      ['node-0', 'worker', '10.240.0.20', '10.200.0.0/24'],
      ['node-1', 'worker', '10.240.0.21', '10.200.1.0/24'],
    ]);
    expect(lab.networks).toEqual({
      nodes: { ipv4: '10.240.0.0/24' },
      hostAddress: { ipv4: '10.240.0.2' },
      pods: { ipv4: '10.200.0.0/16' },
      services: { ipv4: '10.32.0.0/24' },
      clusterDns: '10.32.0.10',
      clusterDomain: 'cluster.local',
      api: { name: 'server.kubernetes.local', port: 6443 },
    });
    expect(lab.versions.etcd!.version).toBe('v3.6.17');
    expect(Object.keys(lab.versions)).toHaveLength(6);
  });

  it('places the jumpbox at the first address no machine uses, and reads comments, blanks, CRLF and extra spaces', () => {
    const text =
      '# my machines\r\n\r\n192.168.7.1   server.lab.example  server\r\n192.168.7.2 node-a.lab.example node-a 10.100.0.0/24 # first worker\r\n\t192.168.7.4 node-b.lab.example node-b 10.100.1.0/24\r\n';
    const lab = parseLab(importMachinesTxt(text, 'machines.txt'), 'imported.yaml');
    expect(lab.hosts[0]).toMatchObject({ name: 'jumpbox', fqdn: 'jumpbox.lab.example', addresses: { ipv4: '192.168.7.3' } });
    expect(lab.networks.hostAddress.ipv4).toBe('192.168.7.5');
    expect(lab.networks.pods.ipv4).toBe('10.100.0.0/16');
    expect(lab.networks.api.name).toBe('server.lab.example');
    expect(hostsWithRole(lab, 'worker').map((h) => h.fqdn)).toEqual(['node-a.lab.example', 'node-b.lab.example']);
  });

  it('narrows the pod range when the /16 would cover the node network', () => {
    const text = '10.240.0.11 server.k.local server\n10.240.0.20 node-0.k.local node-0 10.240.8.0/24\n10.240.0.21 node-1.k.local node-1 10.240.9.0/24\n';
    expect(parseLab(importMachinesTxt(text, 'm.txt'), 'i.yaml').networks.pods.ipv4).toBe('10.240.8.0/23');
  });

  it.each([
    ['too few fields', '10.240.0.11 server.kubernetes.local\n', 1, 1, 'line has 2 fields; expected IP FQDN HOST and, for workers, SUBNET'],
    [
      'too many fields',
      '10.240.0.11 server.kubernetes.local server 10.200.0.0/24 extra\n',
      1,
      1,
      'line has 5 fields; expected IP FQDN HOST and, for workers, SUBNET',
    ],
    ['an address that is not one', `${UPSTREAM}10.240.0.300 node-2.kubernetes.local node-2 10.200.2.0/24\n`, 4, 1, '"10.240.0.300" is not an IPv4 address'],
    ['an IPv6 address', `fd00::11 server.kubernetes.local server\n`, 1, 1, '"fd00::11" is not an IPv4 address'],
    [
      'an FQDN of another host',
      '10.240.0.11 node-0.kubernetes.local server\n',
      1,
      13,
      'FQDN "node-0.kubernetes.local" does not start with the host name "server" and a dot',
    ],
    [
      'a bad domain',
      '10.240.0.11 server.kube_rnetes.local server\n',
      1,
      20,
      'domain "kube_rnetes.local" is not a DNS-1123 subdomain (dot-separated labels of a-z, 0-9 and "-", at most 253 characters)',
    ],
    [
      'a hostile host name',
      '10.240.0.11 $(id).kubernetes.local $(id)\n',
      1,
      36,
      'host name "$(id)" is not a DNS-1123 label (1–63 characters: a-z, 0-9 and "-", starting and ending with a letter or digit)',
    ],
    [
      'a subnet with host bits',
      '10.240.0.11 server.kubernetes.local server\n10.240.0.20 node-0.kubernetes.local node-0 10.200.0.1/24\n',
      2,
      44,
      'pod subnet "10.200.0.1/24" has host bits set (the prefix is 10.200.0.0/24)',
    ],
    ['a host listed twice', `${UPSTREAM}10.240.0.22 node-1.kubernetes.local node-1 10.200.2.0/24\n`, 4, 37, 'host node-1 is already listed on line 3'],
    ['an address used twice', `${UPSTREAM}10.240.0.21 node-2.kubernetes.local node-2 10.200.2.0/24\n`, 4, 1, 'address 10.240.0.21 is already used on line 3'],
    [
      'a machine on another /24',
      `${UPSTREAM}10.240.1.22 node-2.kubernetes.local node-2 10.200.2.0/24\n`,
      4,
      1,
      "10.240.1.22 is not in 10.240.0.0/24, the /24 of line 1's address",
    ],
    [
      'the broadcast address',
      `${UPSTREAM}10.240.0.255 node-2.kubernetes.local node-2 10.200.2.0/24\n`,
      4,
      1,
      '10.240.0.255 is the broadcast address of 10.240.0.0/24',
    ],
    ['two domains', `${UPSTREAM}10.240.0.22 node-2.example.org node-2 10.200.2.0/24\n`, 4, 1, "domain example.org differs from line 1's kubernetes.local"],
    [
      'overlapping pod subnets',
      `${UPSTREAM}10.240.0.22 node-2.kubernetes.local node-2 10.200.1.128/25\n`,
      4,
      44,
      "pod subnet 10.200.1.128/25 of node-2 overlaps node-1's 10.200.1.0/24 (line 3)",
    ],
    [
      'a pod subnet on the services',
      `${UPSTREAM}10.240.0.22 node-2.kubernetes.local node-2 10.32.0.0/24\n`,
      4,
      44,
      'pod subnet 10.32.0.0/24 of node-2 overlaps the service network 10.32.0.0/24',
    ],
    ['no server', '10.240.0.20 node-0.kubernetes.local node-0 10.200.0.0/24\n', 1, 1, 'no server: every line has a pod SUBNET, so none is the control plane'],
    ['no worker', '10.240.0.11 server.kubernetes.local server\n', 1, 1, 'no worker: no line has a pod SUBNET'],
    ['no machines', '# empty\n\n', 1, 1, 'machines.txt lists no machines'],
    [
      'a jumpbox line',
      `${UPSTREAM}10.240.0.5 jumpbox.kubernetes.local jumpbox\n`,
      4,
      37,
      'machines.txt lists a host named jumpbox; upstream leaves the jumpbox out and kthw adds it',
    ],
  ])('rejects %s', (_name, text, line, column, message) => {
    const error = importError(text);
    expect(error.problems[0]).toMatchObject({ source: 'machines.txt', line, column, message });
    expect(error.where).toBe(`machines.txt:${line}:${column}`);
  });

  it('reports every bad line at once', () => {
    const error = importError(
      '10.240.0.11 server.kubernetes.local server\nnot-an-ip node-0.kubernetes.local node-0 10.200.0.0/24\n10.240.0.21 node-1.kubernetes.local\n',
    );
    expect(error.problems.map((p) => `${p.line}:${p.column} ${p.message}`)).toEqual([
      '2:1 "not-an-ip" is not an IPv4 address',
      '3:1 line has 2 fields; expected IP FQDN HOST and, for workers, SUBNET',
    ]);
    expect(error.message).toContain('machines.txt:2:1: "not-an-ip" is not an IPv4 address');
  });
});
