/**
 * The certificates chapter 04 issues, in upstream's order: CA, admin, one per worker, kube-proxy,
 * kube-scheduler, kube-controller-manager, kube-api-server, service-accounts; on the ipv6-ha track
 * also etcd server and peer certificates per etcd host and the API server's etcd client certificate.
 */
import {
  type CertDraft,
  type CertProfile,
  type Destination,
  type ExtKeyUsage,
  type Family,
  firstAddressOf,
  type Host,
  hostsWithRole,
  nodeHosts,
  type Lab,
  labFamilies,
  profilesFrom,
  requireCanonicalIp as canonicalIp,
  type SubjectAttribute,
} from '../kit.js';

/** The C/ST/L upstream puts in the CA and most component subjects; kept so subjects read as upstream's. */
const upstreamLocality: SubjectAttribute[] = [
  { name: 'C', value: 'US' },
  { name: 'ST', value: 'Washington' },
  { name: 'L', value: 'Seattle' },
];

const loopback: Record<Family, string> = { ipv4: '127.0.0.1', ipv6: '::1' };

/** Where chapter 04 leaves files: root's home on controllers (chapter 08 moves them), fixed paths elsewhere. */
const controllerDir = '/root';
const kubeletDir = '/var/lib/kubelet';
const etcdDir = '/etc/etcd';

const certMode = 0o644;
const keyMode = 0o600;

function cn(value: string): SubjectAttribute {
  return { name: 'CN', value };
}
function org(value: string): SubjectAttribute {
  return { name: 'O', value };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function addressesOf(host: Host): string[] {
  return (['ipv4', 'ipv6'] as const).flatMap((f) => (host.addresses[f] ? [canonicalIp(host.addresses[f])] : []));
}

function certTo(host: string, path: string): Destination {
  return { host, file: 'cert', path, mode: certMode };
}
function keyTo(host: string, path: string): Destination {
  return { host, file: 'key', path, mode: keyMode };
}
/** `<dir>/<base>.crt` and `<dir>/<base>.key` on each host. */
function pairTo(hosts: Host[], dir: string, base: string): Destination[] {
  return hosts.flatMap((h) => [certTo(h.name, `${dir}/${base}.crt`), keyTo(h.name, `${dir}/${base}.key`)]);
}

/** Pure: the same lab always gives the same certificates. */
export function certificates(lab: Lab): CertDraft[] {
  const families = labFamilies(lab);
  const loopbacks = families.map((f) => loopback[f]);
  // every kubelet, the controllers' too when they are nodes
  const nodes = nodeHosts(lab);
  const controllers = hostsWithRole(lab, 'controller');
  const both: ExtKeyUsage[] = ['serverAuth', 'clientAuth'];
  const client: ExtKeyUsage[] = ['clientAuth'];

  return [
    {
      id: 'ca',
      purpose: 'The cluster certificate authority: every component trusts what it signed.',
      subject: [...upstreamLocality, cn('CA')],
      sans: { dns: [], ip: [] },
      extKeyUsage: [],
      isCA: true,
      destinations: [
        ...nodes.map((w) => certTo(w.name, `${kubeletDir}/ca.crt`)),
        ...pairTo(controllers, controllerDir, 'ca'),
        ...(lab.track === 'ipv6-ha' ? hostsWithRole(lab, 'etcd').map((e) => certTo(e.name, `${etcdDir}/ca.crt`)) : []),
      ],
    },
    {
      id: 'admin',
      purpose: 'The cluster administrator (kubectl); system:masters is bound to cluster-admin.',
      subject: [cn('admin'), org('system:masters')],
      sans: { dns: [], ip: [] },
      extKeyUsage: client,
      isCA: false,
      destinations: [],
    },
    ...nodes.map((w): CertDraft => ({
      id: w.name,
      purpose: `The kubelet of ${w.name}: its client identity for the Node authorizer and its serving certificate.`,
      subject: [cn(`system:node:${w.name}`), org('system:nodes'), ...upstreamLocality],
      sans: { dns: unique([w.name, w.fqdn]), ip: unique([...loopbacks, ...addressesOf(w)]) },
      extKeyUsage: both,
      isCA: false,
      destinations: [certTo(w.name, `${kubeletDir}/kubelet.crt`), keyTo(w.name, `${kubeletDir}/kubelet.key`)],
    })),
    componentDraft(
      'kube-proxy',
      'system:kube-proxy',
      'system:node-proxier',
      loopbacks,
      'kube-proxy on every worker, as the built-in system:node-proxier group.',
    ),
    componentDraft('kube-scheduler', 'system:kube-scheduler', 'system:kube-scheduler', loopbacks, 'The scheduler talking to the API server.'),
    componentDraft(
      'kube-controller-manager',
      'system:kube-controller-manager',
      'system:kube-controller-manager',
      loopbacks,
      'The controller manager talking to the API server.',
    ),
    {
      id: 'kube-api-server',
      purpose: "The API server's serving certificate: every name and address clients use to reach it.",
      subject: [cn('kubernetes'), ...upstreamLocality],
      sans: apiServerSans(lab, controllers),
      extKeyUsage: both,
      isCA: false,
      destinations: pairTo(controllers, controllerDir, 'kube-api-server'),
    },
    {
      id: 'service-accounts',
      purpose: 'The key pair that signs and verifies service account tokens.',
      subject: [cn('service-accounts')],
      sans: { dns: [], ip: [] },
      extKeyUsage: client,
      isCA: false,
      destinations: pairTo(controllers, controllerDir, 'service-accounts'),
    },
    ...(lab.track === 'ipv6-ha' ? etcdDrafts(lab, controllers, loopbacks) : []),
  ];
}

/** This chapter's certificates as full profiles (kthw's default keys and validity). */
export function profilesOf(lab: Lab): CertProfile[] {
  return profilesFrom(lab, certificates(lab));
}

function componentDraft(id: string, commonName: string, organization: string, loopbacks: string[], purpose: string): CertDraft {
  return {
    id,
    purpose,
    subject: [cn(commonName), org(organization), ...upstreamLocality],
    sans: { dns: [id], ip: loopbacks },
    extKeyUsage: ['serverAuth', 'clientAuth'],
    isCA: false,
    destinations: [],
  };
}

function apiServerSans(lab: Lab, controllers: Host[]): CertDraft['sans'] {
  const { services, api, clusterDomain } = lab.networks;
  const firstServiceIps = (['ipv4', 'ipv6'] as const).flatMap((f) => (services[f] ? [firstAddressOf(services[f])] : []));
  return {
    dns: unique([
      'kubernetes',
      'kubernetes.default',
      'kubernetes.default.svc',
      `kubernetes.default.svc.${clusterDomain}`,
      api.name,
      ...controllers.flatMap((c) => [c.name, c.fqdn]),
    ]),
    ip: unique(['127.0.0.1', '::1', ...firstServiceIps, ...(api.vip ? [canonicalIp(api.vip)] : []), ...controllers.flatMap(addressesOf)]),
  };
}

function etcdDrafts(lab: Lab, controllers: Host[], loopbacks: string[]): CertDraft[] {
  const perHost = hostsWithRole(lab, 'etcd').flatMap((e): CertDraft[] => {
    const sans = { dns: unique([e.name, e.fqdn, 'localhost']), ip: unique([...loopbacks, ...addressesOf(e)]) };
    return [
      {
        id: `etcd-server-${e.name}`,
        purpose: `etcd on ${e.name} serving clients; clientAuth too because etcd's gRPC gateway dials itself with it.`,
        subject: [cn(e.name)],
        sans,
        extKeyUsage: ['serverAuth', 'clientAuth'],
        isCA: false,
        destinations: [certTo(e.name, `${etcdDir}/server.crt`), keyTo(e.name, `${etcdDir}/server.key`)],
      },
      {
        id: `etcd-peer-${e.name}`,
        purpose: `etcd on ${e.name} talking to the other members: it both serves and dials, so both usages.`,
        subject: [cn(e.name)],
        sans,
        extKeyUsage: ['serverAuth', 'clientAuth'],
        isCA: false,
        destinations: [certTo(e.name, `${etcdDir}/peer.crt`), keyTo(e.name, `${etcdDir}/peer.key`)],
      },
    ];
  });
  return [
    ...perHost,
    {
      id: 'kube-api-server-etcd-client',
      purpose: "The API server's client identity towards etcd.",
      subject: [cn('kube-apiserver-etcd-client')],
      sans: { dns: [], ip: [] },
      extKeyUsage: ['clientAuth'],
      isCA: false,
      destinations: pairTo(controllers, controllerDir, 'kube-api-server-etcd-client'),
    },
  ];
}
