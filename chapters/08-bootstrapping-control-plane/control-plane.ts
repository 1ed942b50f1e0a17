/**
 * The control plane a lab asks for, as data: which machines run it, where each file lives, and the
 * flags of the API server, controller manager and scheduler on each machine.
 */
import { UsageError, firstAddressOf, hostsWithRole, labFamilies, primaryAddress, urlHost, type Host, type Lab } from '../kit.js';
import { remoteServer } from '../05-kubeconfigs/kubeconfigs.js';
import { encryptionConfigPath } from '../06-data-encryption/index.js';
import { etcdCluster, type EtcdCluster } from '../07-etcd/cluster.js';

/** Upstream's layout: keys, certificates and configs the components read. */
export const varDir = '/var/lib/kubernetes';
export const configDir = '/etc/kubernetes/config';
export const binDir = '/usr/local/bin';
export const unitDir = '/etc/systemd/system';

export const components = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const;
export type Component = (typeof components)[number];
/** The binaries copied from the jumpbox's downloads/ (kubectl too, when the lab downloads it). */
export const binaries = [...components, 'kubectl'] as const;

export const file = {
  ca: `${varDir}/ca.crt`,
  caKey: `${varDir}/ca.key`,
  apiCert: `${varDir}/kube-api-server.crt`,
  apiKey: `${varDir}/kube-api-server.key`,
  saCert: `${varDir}/service-accounts.crt`,
  saKey: `${varDir}/service-accounts.key`,
  etcdClientCert: `${varDir}/kube-api-server-etcd-client.crt`,
  etcdClientKey: `${varDir}/kube-api-server-etcd-client.key`,
  encryption: `${varDir}/encryption-config.yaml`,
  frontProxyCa: `${varDir}/front-proxy-ca.crt`,
  frontProxyCert: `${varDir}/front-proxy-client.crt`,
  frontProxyKey: `${varDir}/front-proxy-client.key`,
  kcmKubeconfig: `${varDir}/kube-controller-manager.kubeconfig`,
  schedulerKubeconfig: `${varDir}/kube-scheduler.kubeconfig`,
  schedulerConfig: `${configDir}/kube-scheduler.yaml`,
  auditLog: '/var/log/audit.log',
} as const;

/** Where chapter 04, 05 and 06 left files in root's home on each controller. */
export const fromHome = {
  encryption: encryptionConfigPath,
  kcmKubeconfig: '/root/kube-controller-manager.kubeconfig',
  schedulerKubeconfig: '/root/kube-scheduler.kubeconfig',
  admin: '/root/admin.kubeconfig',
} as const;

/** The name the front-proxy client certificate carries; the API server accepts proxied requests only from it. */
export const frontProxyClientName = 'front-proxy-client';
/** The user the API server is known as when it calls kubelets: the CN of chapter 04's kube-api-server certificate. */
export const apiServerKubeletUser = 'kubernetes';

export interface Controller {
  host: Host;
  name: string;
  /** The address it advertises to the cluster (the `kubernetes` Service's endpoint). */
  address: string;
  /** `https://<address>:<port>`, brackets around IPv6. */
  url: string;
  /** The API server on the machine itself, as local tools reach it. */
  localUrl: string;
}

export interface ControlPlane {
  lab: Lab;
  ha: boolean;
  controllers: Controller[];
  etcd: EtcdCluster;
  port: number;
  /** `--service-cluster-ip-range`: one range per family, comma-separated. */
  serviceRange: string;
  /** The first address of each service range: the `kubernetes` Service, named by the serving certificate. */
  firstServiceIps: string[];
  podRange: string;
  /** The identifier written into service account tokens: the address every client uses for the API. */
  issuer: string;
  /** Listen on every address of the machine's families. */
  bindAddress: string;
  /** kube-controller-manager allocates each node a pod range out of `podRange` (ipv6-ha). */
  allocateNodeCidrs: boolean;
  /** Names and addresses the serving certificate must carry beyond each controller's own. */
  sharedNames: { dns: string[]; ip: string[] };
}

export { urlHost };

function perFamily(lab: Lab, ranges: { ipv4?: string; ipv6?: string }, what: string): string[] {
  const values = (['ipv4', 'ipv6'] as const).flatMap((f) => (ranges[f] ? [ranges[f]] : []));
  if (values.length === 0) throw new UsageError(`lab "${lab.name}" has no ${what}`, { where: lab.source, fix: `give networks.${what} a range` });
  return values;
}

export function controlPlane(lab: Lab): ControlPlane {
  const hosts = hostsWithRole(lab, 'controller');
  if (hosts.length === 0) {
    throw new UsageError(`lab "${lab.name}" has no host with the controller role`, {
      where: lab.source,
      fix: 'give the control-plane hosts `roles: [controller, etcd]`',
    });
  }
  const port = lab.networks.api.port;
  const v6 = labFamilies(lab).includes('ipv6') && lab.track === 'ipv6-ha';
  const loopback = labFamilies(lab).includes('ipv4') ? '127.0.0.1' : '[::1]';
  const controllers = hosts.map((host): Controller => {
    const address = primaryAddress(lab, host);
    return { host, name: host.name, address, url: `https://${urlHost(address)}:${port}`, localUrl: `https://${loopback}:${port}` };
  });
  const services = perFamily(lab, lab.networks.services, 'services');
  const pods = perFamily(lab, lab.networks.pods, 'pods');
  const { api } = lab.networks;
  return {
    lab,
    ha: lab.track === 'ipv6-ha',
    controllers,
    etcd: etcdCluster(lab),
    port,
    serviceRange: services.join(','),
    firstServiceIps: services.map(firstAddressOf),
    podRange: pods.join(','),
    issuer: remoteServer(lab),
    bindAddress: v6 || !labFamilies(lab).includes('ipv4') ? '::' : '0.0.0.0',
    allocateNodeCidrs: lab.track === 'ipv6-ha',
    sharedNames: { dns: [api.name], ip: [...services.map(firstAddressOf), ...(api.vip ? [api.vip] : [])] },
  };
}

/** `--flag=value` lines of kube-apiserver on one controller. */
export function apiServerFlags(cp: ControlPlane, c: Controller): string[] {
  const tls = cp.etcd.tls;
  return [
    `--advertise-address=${c.address}`,
    '--allow-privileged=true',
    '--audit-log-maxage=30',
    '--audit-log-maxbackup=3',
    '--audit-log-maxsize=100',
    `--audit-log-path=${file.auditLog}`,
    '--authorization-mode=Node,RBAC',
    `--bind-address=${cp.bindAddress}`,
    `--client-ca-file=${file.ca}`,
    '--enable-admission-plugins=NamespaceLifecycle,NodeRestriction,LimitRanger,ServiceAccount,DefaultStorageClass,ResourceQuota',
    `--encryption-provider-config=${file.encryption}`,
    ...(tls ? [`--etcd-cafile=${file.ca}`, `--etcd-certfile=${file.etcdClientCert}`, `--etcd-keyfile=${file.etcdClientKey}`] : []),
    `--etcd-servers=${cp.etcd.members.map((m) => m.clientUrl).join(',')}`,
    '--event-ttl=1h',
    `--kubelet-certificate-authority=${file.ca}`,
    `--kubelet-client-certificate=${file.apiCert}`,
    `--kubelet-client-key=${file.apiKey}`,
    `--proxy-client-cert-file=${file.frontProxyCert}`,
    `--proxy-client-key-file=${file.frontProxyKey}`,
    `--requestheader-allowed-names=${frontProxyClientName}`,
    `--requestheader-client-ca-file=${file.frontProxyCa}`,
    '--requestheader-extra-headers-prefix=X-Remote-Extra-',
    '--requestheader-group-headers=X-Remote-Group',
    '--requestheader-username-headers=X-Remote-User',
    ...(cp.ha ? ['--enable-aggregator-routing=true'] : []),
    `--secure-port=${cp.port}`,
    `--service-account-issuer=${cp.issuer}`,
    `--service-account-key-file=${file.saCert}`,
    `--service-account-signing-key-file=${file.saKey}`,
    `--service-cluster-ip-range=${cp.serviceRange}`,
    '--service-node-port-range=30000-32767',
    `--tls-cert-file=${file.apiCert}`,
    `--tls-private-key-file=${file.apiKey}`,
    '--v=2',
  ];
}

/** `--flag=value` lines of kube-controller-manager (the same on every controller). */
export function controllerManagerFlags(cp: ControlPlane): string[] {
  const maskFlags = cp.allocateNodeCidrs
    ? [
        '--allocate-node-cidrs=true',
        ...(cp.lab.networks.pods.ipv4 ? ['--node-cidr-mask-size-ipv4=24'] : []),
        ...(cp.lab.networks.pods.ipv6 ? ['--node-cidr-mask-size-ipv6=64'] : []),
      ]
    : [];
  return [
    ...maskFlags,
    `--bind-address=${cp.bindAddress}`,
    `--cluster-cidr=${cp.podRange}`,
    '--cluster-name=kubernetes',
    `--cluster-signing-cert-file=${file.ca}`,
    `--cluster-signing-key-file=${file.caKey}`,
    `--kubeconfig=${file.kcmKubeconfig}`,
    '--leader-elect=true',
    `--root-ca-file=${file.ca}`,
    `--service-account-private-key-file=${file.saKey}`,
    `--service-cluster-ip-range=${cp.serviceRange}`,
    '--use-service-account-credentials=true',
    '--v=2',
  ];
}

export function schedulerFlags(): string[] {
  return [`--config=${file.schedulerConfig}`, '--v=2'];
}

export function flagsOf(cp: ControlPlane, c: Controller, component: Component): string[] {
  if (component === 'kube-apiserver') return apiServerFlags(cp, c);
  if (component === 'kube-controller-manager') return controllerManagerFlags(cp);
  return schedulerFlags();
}
