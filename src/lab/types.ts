/**
 * The validated lab: what `parseLabFile` returns once shape and semantics are checked.
 * Everything downstream (chapters, the local lab, the SSH layer) reads only this type,
 * never the raw YAML. Every string in here has been validated: names are DNS-1123 labels,
 * addresses and prefixes parse, so they can be quoted safely into shell commands.
 */
export type Track = 'classic' | 'ipv6-ha';
export type Role = 'jumpbox' | 'controller' | 'etcd' | 'worker' | 'router';
export type Family = 'ipv4' | 'ipv6';

/** One value per address family the lab uses; a family absent from the lab is absent here. */
export interface PerFamily<T> {
  ipv4?: T;
  ipv6?: T;
}

export interface SshSettings {
  user: string;
  port: number;
  /** Path to a private key; for the local lab, absent: kthw uses the lab's own key. */
  identity?: string;
  /** Name of another host of this lab to jump through (ProxyJump). */
  jump?: string;
}

export interface Host {
  name: string;
  /** Fully qualified name, e.g. `node-0.kubernetes.local`. */
  fqdn: string;
  roles: Role[];
  addresses: PerFamily<string>;
  ssh: SshSettings;
  /** Workers only: the pod range routed to this node. */
  podCidr?: PerFamily<string>;
  /** Routers only (ipv6-ha): the BGP AS number of this router. */
  asn?: number;
}

export interface BgpSettings {
  /** AS of the cluster's nodes (kube-vip on controllers, Cilium on workers). */
  clusterAsn: number;
  holdTimeSeconds: number;
  keepaliveSeconds: number;
}

export interface ApiEndpoint {
  /** Name clients use to reach the API server (e.g. `server.kubernetes.local` or `lab-k8s`). */
  name: string;
  port: number;
  /** ipv6-ha: a virtual IP announced by kube-vip; classic: absent (the server's own address). */
  vip?: string;
}

export interface Networks {
  /** The node network, per family; the families present here are the lab's families. */
  nodes: PerFamily<string>;
  /** The cluster-wide pod range, per family; each worker's podCidr lies inside it. */
  pods: PerFamily<string>;
  services: PerFamily<string>;
  /** Cluster DNS service IP (inside `services`). */
  clusterDns: string;
  clusterDomain: string;
  api: ApiEndpoint;
  bgp?: BgpSettings;
  /** The host's own address on the lab bridge (the local lab's road in), per family. */
  hostAddress: PerFamily<string>;
}

export interface ComponentVersion {
  version: string;
  /** URL templates; `{version}` and `{arch}` are the placeholders. */
  urls: string[];
  /** sha256 per rendered URL's file name, where known. */
  sha256: Record<string, string>;
  /**
   * Where the binaries come from on this lab: `download` (the URLs, via the jumpbox) or `image`
   * (the local lab's machine image already ships this version as a Debian package).
   */
  source: 'download' | 'image';
}

export interface Lab {
  name: string;
  track: Track;
  /** Domain of the hosts' FQDNs (`kubernetes.local` upstream). */
  domain: string;
  arch: 'amd64' | 'arm64';
  hosts: Host[];
  networks: Networks;
  versions: Record<string, ComponentVersion>;
  /** The file this lab was read from, for error messages. */
  source: string;
}

export function hostsWithRole(lab: Lab, role: Role): Host[] {
  return lab.hosts.filter((h) => h.roles.includes(role));
}

/**
 * A Kubernetes node, one that runs a kubelet: every worker, and a controller the lab gives a pod
 * range (the reference build's control planes are nodes too, tainted NoSchedule).
 */
export function isNode(host: Host): boolean {
  return host.roles.includes('worker') || (host.roles.includes('controller') && host.podCidr !== undefined);
}

export function nodeHosts(lab: Lab): Host[] {
  return lab.hosts.filter(isNode);
}

export function labFamilies(lab: Lab): Family[] {
  return (['ipv4', 'ipv6'] as const).filter((f) => lab.networks.nodes[f] !== undefined);
}

/** The address other machines use to reach a host: IPv6 when the lab has it (ipv6-ha), else IPv4. */
export function primaryAddress(lab: Lab, host: Host): string {
  const family = labFamilies(lab).includes('ipv6') && lab.track === 'ipv6-ha' ? 'ipv6' : labFamilies(lab)[0]!;
  const address = host.addresses[family];
  if (address === undefined) throw new Error(`host ${host.name} has no ${family} address`);
  return address;
}
