import { builtinLabPath, loadLab } from '../../../src/lab/load.js';
import type { Host, Lab } from '../../../src/lab/types.js';

/** A shipped lab file, through the real loader. */
export function shippedLab(name: 'classic' | 'ipv6-ha'): Promise<Lab> {
  return loadLab(builtinLabPath(name));
}

function host(name: string, domain: string, roles: Host['roles'], addresses: Host['addresses']): Host {
  return { name, fqdn: `${name}.${domain}`, roles, addresses, ssh: { user: 'root', port: 22 } };
}

/** Classic track with other names and addresses than the shipped file: two controllers, three workers, a VIP. */
export function otherClassicLab(): Lab {
  const d = 'corp.example';
  return {
    name: 'branch-office',
    track: 'classic',
    domain: d,
    arch: 'arm64',
    hosts: [
      host('bastion', d, ['jumpbox'], { ipv4: '192.168.50.5' }),
      host('cp-a', d, ['controller', 'etcd'], { ipv4: '192.168.50.11' }),
      host('cp-b', d, ['controller'], { ipv4: '192.168.50.12' }),
      host('w-alpha', d, ['worker'], { ipv4: '192.168.50.21' }),
      host('w-beta', d, ['worker'], { ipv4: '192.168.50.22' }),
      host('w-gamma', d, ['worker'], { ipv4: '192.168.50.23' }),
    ],
    networks: {
      nodes: { ipv4: '192.168.50.0/24' },
      pods: { ipv4: '10.77.0.0/16' },
      services: { ipv4: '172.20.0.0/16' },
      clusterDns: '172.20.0.10',
      clusterDomain: 'k8s.internal',
      api: { name: 'api.corp.example', port: 6443, vip: '192.168.50.100' },
      hostAddress: { ipv4: '192.168.50.1' },
    },
    versions: {},
    source: 'other-classic.yaml',
  };
}

/** ipv6-ha track, dual-stack, etcd on hosts of its own (not the controllers). */
export function otherHaLab(): Lab {
  const d = 'dc2.example';
  return {
    name: 'dc2',
    track: 'ipv6-ha',
    domain: d,
    arch: 'amd64',
    hosts: [
      host('api-1', d, ['controller'], { ipv4: '10.9.0.11', ipv6: '2001:db8:9::11' }),
      host('api-2', d, ['controller'], { ipv4: '10.9.0.12', ipv6: '2001:db8:9::12' }),
      host('kv-1', d, ['etcd'], { ipv4: '10.9.0.31', ipv6: '2001:db8:9::31' }),
      host('kv-2', d, ['etcd'], { ipv4: '10.9.0.32', ipv6: '2001:db8:9::32' }),
      host('kv-3', d, ['etcd'], { ipv4: '10.9.0.33', ipv6: '2001:db8:9::33' }),
      host('compute-7', d, ['worker'], { ipv4: '10.9.0.47', ipv6: '2001:db8:9::47' }),
    ],
    networks: {
      nodes: { ipv4: '10.9.0.0/24', ipv6: '2001:db8:9::/64' },
      pods: { ipv6: '2001:db8:9:100::/56' },
      services: { ipv4: '10.96.0.0/12', ipv6: '2001:db8:9:ff::/108' },
      clusterDns: '2001:db8:9:ff::a',
      clusterDomain: 'dc2.cluster',
      api: { name: 'k8s-api', port: 6443, vip: '2001:db8:9::6' },
      hostAddress: { ipv6: '2001:db8:9::1' },
    },
    versions: {},
    source: 'other-ha.yaml',
  };
}
