import { hostsWithRole, labFamilies, type Family, type Host, type Lab } from '../lab/types.js';
import { UsageError } from '../util/errors.js';
import { firstAddressOf, requireCanonicalIp as canonicalIp } from '../lab/cidr.js';
import type { CertProfile, Destination, ExtKeyUsage, KeyAlgorithm, KeyUsage, SubjectAttribute } from './types.js';

export interface ProfileOptions {
  /** Key type for every profile without its own entry in `keyAlgorithms`. Default ECDSA P-256. */
  keyAlgorithm?: KeyAlgorithm;
  /** Per profile id, e.g. `{ ca: { type: 'rsa', bits: 4096 } }` for upstream's CA key. */
  keyAlgorithms?: Record<string, KeyAlgorithm>;
  /** Upstream: 3653 days (ten years) for every certificate. */
  validityDays?: number;
}

export const defaultKeyAlgorithm: KeyAlgorithm = { type: 'ecdsa', curve: 'P-256' };
export const upstreamValidityDays = 3653;

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

type Draft = Omit<CertProfile, 'keyAlgorithm' | 'keyUsage' | 'validityDays'>;

/**
 * Every certificate the lab needs, in upstream's order: CA, admin, one per worker, kube-proxy,
 * kube-scheduler, kube-controller-manager, kube-api-server, service-accounts; on the ipv6-ha track
 * also etcd server and peer certificates per etcd host and the API server's etcd client certificate.
 * Pure: the same lab and options always give the same profiles.
 */
export function certificateProfiles(lab: Lab, options: ProfileOptions = {}): CertProfile[] {
  const families = labFamilies(lab);
  const loopbacks = families.map((f) => loopback[f]);
  const workers = hostsWithRole(lab, 'worker');
  const controllers = hostsWithRole(lab, 'controller');
  const both: ExtKeyUsage[] = ['serverAuth', 'clientAuth'];
  const client: ExtKeyUsage[] = ['clientAuth'];

  const drafts: Draft[] = [
    {
      id: 'ca',
      purpose: 'The cluster certificate authority: every component trusts what it signed.',
      subject: [...upstreamLocality, cn('CA')],
      sans: { dns: [], ip: [] },
      extKeyUsage: [],
      isCA: true,
      destinations: [
        ...workers.map((w) => certTo(w.name, `${kubeletDir}/ca.crt`)),
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
    ...workers.map((w): Draft => ({
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

  const seen = new Map<string, string>();
  for (const draft of drafts) {
    const earlier = seen.get(draft.id);
    if (earlier !== undefined) {
      throw new UsageError(`two certificates would both be named "${draft.id}" (${earlier}; ${draft.purpose})`, {
        where: lab.source,
        fix: `Rename the host called "${draft.id}": certificate files are named after workers and etcd hosts.`,
      });
    }
    seen.set(draft.id, draft.purpose);
  }

  return drafts.map((draft) => {
    const keyAlgorithm = options.keyAlgorithms?.[draft.id] ?? options.keyAlgorithm ?? defaultKeyAlgorithm;
    return {
      ...draft,
      keyAlgorithm,
      keyUsage: keyUsageFor(draft.isCA, keyAlgorithm),
      validityDays: options.validityDays ?? upstreamValidityDays,
    };
  });
}

/** A CA signs; an RSA leaf key may also encipher a TLS key exchange, an EC leaf key only signs. */
function keyUsageFor(isCA: boolean, key: KeyAlgorithm): KeyUsage[] {
  if (isCA) return ['keyCertSign', 'cRLSign'];
  return key.type === 'rsa' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'];
}

function componentDraft(id: string, commonName: string, organization: string, loopbacks: string[], purpose: string): Draft {
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

function apiServerSans(lab: Lab, controllers: Host[]): CertProfile['sans'] {
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

function etcdDrafts(lab: Lab, controllers: Host[], loopbacks: string[]): Draft[] {
  const perHost = hostsWithRole(lab, 'etcd').flatMap((e): Draft[] => {
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
