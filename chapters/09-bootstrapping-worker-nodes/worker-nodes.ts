/**
 * The worker nodes a lab asks for, as data: which machines run pods, the pod range of each, where
 * each file lives, where the container runtime's pieces come from (the machine image's Debian
 * packages or upstream's downloads), which pod images the nodes get and the local lab's few
 * differences from a VM.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { UsageError, hostsWithRole, nodeHosts, renderUrl, type Host, type Lab } from '../kit.js';

export const binDir = '/usr/local/bin';
export const unitDir = '/etc/systemd/system';
export const kubeletDir = '/var/lib/kubelet';
export const kubeProxyDir = '/var/lib/kube-proxy';
export const cniConfDir = '/etc/cni/net.d';
/** Where kthw stages the pod image archives it copies to a worker. */
export const imagesDir = '/var/lib/kthw/pod-images';
export const containerdSocket = '/run/containerd/containerd.sock';
/** containerd's namespace for everything the CRI (kubelet) sees. */
export const criNamespace = 'k8s.io';
/** Upstream's pause image, which containerd pulls when no archive is given. */
export const upstreamPause = 'registry.k8s.io/pause:3.10';

export const file = {
  modules: '/etc/modules-load.d/kubernetes.conf',
  sysctl: '/etc/sysctl.d/99-kubernetes.conf',
  bridge: `${cniConfDir}/10-bridge.conf`,
  loopback: `${cniConfDir}/99-loopback.conf`,
  containerd: '/etc/containerd/config.toml',
  crictl: '/etc/crictl.yaml',
  kubeletConfig: `${kubeletDir}/kubelet-config.yaml`,
  kubeletKubeconfig: `${kubeletDir}/kubeconfig`,
  kubeletCa: `${kubeletDir}/ca.crt`,
  kubeletCert: `${kubeletDir}/kubelet.crt`,
  kubeletKey: `${kubeletDir}/kubelet.key`,
  kubeProxyConfig: `${kubeProxyDir}/kube-proxy-config.yaml`,
  kubeProxyKubeconfig: `${kubeProxyDir}/kubeconfig`,
} as const;

/** Kernel modules a node needs: overlay for containerd's snapshots, br_netfilter so bridged pod traffic meets iptables. */
export const modules = ['overlay', 'br_netfilter'] as const;

/** The sysctls a node needs, each with the value it must have. */
export function sysctls(lab: Lab): Array<[string, string]> {
  return [
    ['net.bridge.bridge-nf-call-iptables', '1'],
    ['net.bridge.bridge-nf-call-ip6tables', '1'],
    ...(lab.networks.pods.ipv4 ? ([['net.ipv4.ip_forward', '1']] as Array<[string, string]>) : []),
    ...(lab.networks.pods.ipv6 ? ([['net.ipv6.conf.all.forwarding', '1']] as Array<[string, string]>) : []),
  ];
}

export interface PodImage {
  reference: string;
  digest: string;
  archive: string;
  standsInFor: string;
}

/** The taint that keeps ordinary pods off a controller that is a node (the key upstream tools use). */
export const controlPlaneTaint = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' } as const;

/** A node: a worker, or a controller the lab gives a pod range (`isNode`). */
export interface Worker {
  host: Host;
  name: string;
  /** The node's own pod ranges from the lab file, one per family. */
  podCidrs: string[];
  /** A controller that is a node: tainted NoSchedule, its kubelet on its own machine's API server. */
  controlPlane: boolean;
}

export interface WorkerNodes {
  lab: Lab;
  /** Every node: the workers, then the controllers that are nodes. */
  workers: Worker[];
  /** The cluster-wide pod range(s), comma-separated (kube-proxy's clusterCIDR). */
  podRange: string;
  /** Where containerd finds the CNI plugins: Debian's package puts them in /usr/lib/cni, upstream's tarball in /opt/cni/bin. */
  cniBinDir: string;
  /** Whether containerd, runc and the plugins come with the machine image (else: not installed by kthw yet). */
  runtimeFromImage: boolean;
  /** The crictl release archive in the jumpbox's downloads/, when the lab downloads crictl. */
  crictlArchive?: string;
  /** kube-proxy and kubelet come from the jumpbox's downloads/ when the lab downloads them. */
  binaries: string[];
  /** The pod images copied to every worker and imported (the local lab, which reaches no registry); none: containerd pulls. */
  images?: { dir: string; list: PodImage[] };
  sandboxImage: string;
  /** The machines are systemd-nspawn containers on this host (`kthw lab up` says so): the local lab's differences apply. */
  localLab: boolean;
  /**
   * The controller manager hands out pod ranges itself (ipv6-ha), and a Node's range cannot change
   * once set: each Node is created with the lab's range before its kubelet registers (the allocator
   * keeps a range a Node already has), instead of patched in afterwards.
   */
  createNodes: boolean;
  vip?: VipStandIn;
  /** The machine kubectl runs on, with admin's kubeconfig from chapter 05. */
  controller: string;
}

const indexSchemaFix = 'build them again: kthw lab pod-images --rebuild';

/** The images directory `kthw lab pod-images` wrote: its index, read and checked. */
function podImages(dir: string): PodImage[] {
  if (!isAbsolute(dir)) {
    throw new UsageError(`the pod images directory must be an absolute path, not ${JSON.stringify(dir)}`, { where: 'images', fix: 'give the full path' });
  }
  const index = join(dir, 'images.json');
  if (!existsSync(index)) throw new UsageError(`${index} does not exist`, { where: 'images', fix: 'build the pod images: kthw lab pod-images' });
  let list: unknown;
  try {
    list = JSON.parse(readFileSync(index, 'utf8'));
  } catch (error) {
    throw new UsageError(`${index} is not JSON: ${(error as Error).message}`, { where: 'images', fix: indexSchemaFix });
  }
  const valid = (i: unknown): i is PodImage => {
    const image = i as Record<string, unknown>;
    return (
      typeof image === 'object' &&
      image !== null &&
      typeof image.reference === 'string' &&
      /^[a-z0-9][a-z0-9._/-]*:[A-Za-z0-9._-]+$/.test(image.reference) &&
      typeof image.digest === 'string' &&
      /^sha256:[0-9a-f]{64}$/.test(image.digest) &&
      typeof image.archive === 'string' &&
      /^[A-Za-z0-9._-]+$/.test(image.archive) &&
      typeof image.standsInFor === 'string'
    );
  };
  if (!Array.isArray(list) || !list.every(valid))
    throw new UsageError(`${index} does not list images as kthw writes them`, { where: 'images', fix: indexSchemaFix });
  return list.map(({ reference, digest, archive, standsInFor }) => ({ reference, digest, archive, standsInFor }));
}

/** The API VIP, while no chapter runs kube-vip yet: held by the first controller so the kubelets reach the API. */
export interface VipStandIn {
  address: string;
  holder: Host;
  /** The node network's prefix length: the VIP is on-link there. */
  prefixLength: number;
}

export function vipStandIn(lab: Lab): VipStandIn | undefined {
  const address = lab.networks.api.vip;
  const holder = hostsWithRole(lab, 'controller')[0];
  if (address === undefined || holder === undefined) return undefined;
  const family = address.includes(':') ? 'ipv6' : 'ipv4';
  const nodes = lab.networks.nodes[family];
  if (nodes === undefined) throw new UsageError(`the API VIP ${address} is ${family}, but the node network has no ${family} range`, { where: lab.source });
  return { address, holder, prefixLength: Number(nodes.slice(nodes.indexOf('/') + 1)) };
}

function downloadedFile(lab: Lab, component: string, pattern: RegExp): string | undefined {
  const spec = lab.versions[component];
  if (spec?.source !== 'download') return undefined;
  const url = spec.urls.map((u) => renderUrl(u, spec.version, lab.arch)).find((u) => pattern.test(u));
  return url?.slice(url.lastIndexOf('/') + 1);
}

export function workerNodes(lab: Lab, params: Record<string, string>): WorkerNodes {
  const hosts = [...hostsWithRole(lab, 'worker'), ...nodeHosts(lab).filter((h) => !h.roles.includes('worker'))];
  if (hosts.length === 0) {
    throw new UsageError(`lab "${lab.name}" has no host with the worker role`, { where: lab.source, fix: 'give the worker hosts `roles: [worker]`' });
  }
  const controller = hostsWithRole(lab, 'controller')[0];
  if (!controller) {
    throw new UsageError(`lab "${lab.name}" has no host with the controller role`, {
      where: lab.source,
      fix: 'give the control-plane hosts `roles: [controller, etcd]`',
    });
  }
  const workers = hosts.map((host): Worker => {
    const podCidrs = (['ipv4', 'ipv6'] as const).flatMap((f) => (host.podCidr?.[f] ? [host.podCidr[f]] : []));
    if (podCidrs.length === 0)
      throw new UsageError(`worker ${host.name} has no podCidr`, { where: lab.source, fix: `give ${host.name} a podCidr inside networks.pods` });
    return { host, name: host.name, podCidrs, controlPlane: !host.roles.includes('worker') };
  });
  const pods = (['ipv4', 'ipv6'] as const).flatMap((f) => (lab.networks.pods[f] ? [lab.networks.pods[f]] : []));
  const runtime = ['containerd', 'runc', 'cni-plugins'];
  const images = params.images === undefined ? undefined : { dir: params.images, list: podImages(params.images) };
  const pause = images?.list.find((i) => i.standsInFor.startsWith('registry.k8s.io/pause:'));
  const downloaded = (binary: string) => downloadedFile(lab, 'kubernetes', new RegExp(`/${binary}$`)) !== undefined;
  return {
    lab,
    workers,
    podRange: pods.join(','),
    cniBinDir: lab.versions['cni-plugins']?.source === 'image' ? '/usr/lib/cni' : '/opt/cni/bin',
    runtimeFromImage: runtime.every((c) => lab.versions[c]?.source === 'image'),
    ...(downloadedFile(lab, 'crictl', /\.tar\.gz$/) ? { crictlArchive: downloadedFile(lab, 'crictl', /\.tar\.gz$/)! } : {}),
    binaries: ['kubelet', 'kube-proxy'].filter(downloaded),
    ...(images ? { images } : {}),
    sandboxImage: pause?.reference ?? upstreamPause,
    localLab: params.machines === 'local',
    createNodes: lab.track === 'ipv6-ha',
    ...(vipStandIn(lab) ? { vip: vipStandIn(lab)! } : {}),
    controller: controller.name,
  };
}
