import type { Lab } from '../../../src/lab/types.js';
import { otherClassicLab, otherHaLab, shippedLab } from './labs.js';

/** What a lab's certificates must say, written out by hand (not derived) so the derivation is under test. */
export interface Expected {
  lab: Lab;
  workers: { name: string; fqdn: string; ips: string[] }[];
  controllers: { name: string; fqdn: string; ips: string[] }[];
  etcd: { name: string; fqdn: string; ips: string[] }[];
  vip?: string;
  firstServiceIps: string[];
  notServiceIps: string[];
  apiName: string;
  clusterDomain: string;
}

export const expectations: Expected[] = [
  {
    lab: await shippedLab('classic'),
    workers: [
      { name: 'node-0', fqdn: 'node-0.kubernetes.local', ips: ['10.240.0.20', 'fd00:10:240::20', '127.0.0.1'] },
      { name: 'node-1', fqdn: 'node-1.kubernetes.local', ips: ['10.240.0.21', 'fd00:10:240::21', '127.0.0.1'] },
    ],
    controllers: [{ name: 'server', fqdn: 'server.kubernetes.local', ips: ['10.240.0.11', 'fd00:10:240::11'] }],
    etcd: [],
    firstServiceIps: ['10.32.0.1'],
    notServiceIps: ['10.32.0.2', '10.32.0.0'],
    apiName: 'server.kubernetes.local',
    clusterDomain: 'cluster.local',
  },
  {
    lab: await shippedLab('ipv6-ha'),
    workers: [
      { name: 'node-0', fqdn: 'node-0.kubernetes.local', ips: ['fd00:4::30', '::1'] },
      { name: 'node-1', fqdn: 'node-1.kubernetes.local', ips: ['fd00:4::31', '::1'] },
      { name: 'node-2', fqdn: 'node-2.kubernetes.local', ips: ['fd00:4::132', '::1'] },
      // the controllers are nodes too on this track (they have pod ranges): a kubelet certificate each
      { name: 'server', fqdn: 'server.kubernetes.local', ips: ['fd00:4::20', '::1'] },
      { name: 'server2', fqdn: 'server2.kubernetes.local', ips: ['fd00:4::120', '::1'] },
      { name: 'server3', fqdn: 'server3.kubernetes.local', ips: ['fd00:4::21', '::1'] },
    ],
    controllers: [
      { name: 'server', fqdn: 'server.kubernetes.local', ips: ['fd00:4::20'] },
      { name: 'server2', fqdn: 'server2.kubernetes.local', ips: ['fd00:4::120'] },
      { name: 'server3', fqdn: 'server3.kubernetes.local', ips: ['fd00:4::21'] },
    ],
    etcd: [
      { name: 'server', fqdn: 'server.kubernetes.local', ips: ['fd00:4::20', '::1'] },
      { name: 'server2', fqdn: 'server2.kubernetes.local', ips: ['fd00:4::120', '::1'] },
      { name: 'server3', fqdn: 'server3.kubernetes.local', ips: ['fd00:4::21', '::1'] },
    ],
    vip: 'fd00:4::4',
    firstServiceIps: ['fd00:4:32::1'],
    notServiceIps: ['fd00:4:32::53', 'fd00:4:32::'],
    apiName: 'lab-k8s',
    clusterDomain: 'cluster.local',
  },
  {
    lab: otherClassicLab(),
    workers: [
      { name: 'w-alpha', fqdn: 'w-alpha.corp.example', ips: ['192.168.50.21', '127.0.0.1'] },
      { name: 'w-beta', fqdn: 'w-beta.corp.example', ips: ['192.168.50.22', '127.0.0.1'] },
      { name: 'w-gamma', fqdn: 'w-gamma.corp.example', ips: ['192.168.50.23', '127.0.0.1'] },
    ],
    controllers: [
      { name: 'cp-a', fqdn: 'cp-a.corp.example', ips: ['192.168.50.11'] },
      { name: 'cp-b', fqdn: 'cp-b.corp.example', ips: ['192.168.50.12'] },
    ],
    etcd: [],
    vip: '192.168.50.100',
    firstServiceIps: ['172.20.0.1'],
    notServiceIps: ['172.20.0.10', '10.32.0.1'],
    apiName: 'api.corp.example',
    clusterDomain: 'k8s.internal',
  },
  {
    lab: otherHaLab(),
    workers: [{ name: 'compute-7', fqdn: 'compute-7.dc2.example', ips: ['10.9.0.47', '2001:db8:9::47', '127.0.0.1', '::1'] }],
    controllers: [
      { name: 'api-1', fqdn: 'api-1.dc2.example', ips: ['10.9.0.11', '2001:db8:9::11'] },
      { name: 'api-2', fqdn: 'api-2.dc2.example', ips: ['10.9.0.12', '2001:db8:9::12'] },
    ],
    etcd: [
      { name: 'kv-1', fqdn: 'kv-1.dc2.example', ips: ['10.9.0.31', '2001:db8:9::31', '127.0.0.1', '::1'] },
      { name: 'kv-2', fqdn: 'kv-2.dc2.example', ips: ['10.9.0.32', '2001:db8:9::32', '127.0.0.1', '::1'] },
      { name: 'kv-3', fqdn: 'kv-3.dc2.example', ips: ['10.9.0.33', '2001:db8:9::33', '127.0.0.1', '::1'] },
    ],
    vip: '2001:db8:9::6',
    firstServiceIps: ['10.96.0.1', '2001:db8:9:ff::1'],
    notServiceIps: ['2001:db8:9:ff::a', '10.96.0.10'],
    apiName: 'k8s-api',
    clusterDomain: 'dc2.cluster',
  },
];

const locality = 'L=Seattle,ST=Washington,C=US';

/** Subjects as `openssl x509 -subject -nameopt RFC2253` prints them (last attribute first). */
export function expectedSubjects(e: Expected): Record<string, string> {
  const subjects: Record<string, string> = {
    ca: `CN=CA,${locality}`,
    admin: 'O=system:masters,CN=admin',
    'kube-proxy': `${locality},O=system:node-proxier,CN=system:kube-proxy`,
    'kube-scheduler': `${locality},O=system:kube-scheduler,CN=system:kube-scheduler`,
    'kube-controller-manager': `${locality},O=system:kube-controller-manager,CN=system:kube-controller-manager`,
    'kube-api-server': `${locality},CN=kubernetes`,
    'service-accounts': 'CN=service-accounts',
  };
  for (const w of e.workers) subjects[w.name] = `${locality},O=system:nodes,CN=system:node:${w.name}`;
  for (const h of e.etcd) {
    subjects[`etcd-server-${h.name}`] = `CN=${h.name}`;
    subjects[`etcd-peer-${h.name}`] = `CN=${h.name}`;
  }
  if (e.etcd.length > 0) subjects['kube-api-server-etcd-client'] = 'CN=kube-apiserver-etcd-client';
  return subjects;
}

/** Certificates used only to log in to something: no serverAuth. */
export const clientOnly = new Set(['admin', 'service-accounts', 'kube-api-server-etcd-client']);
