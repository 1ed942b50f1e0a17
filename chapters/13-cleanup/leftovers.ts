/**
 * What the cluster chapters (07–12) put on each machine, as data: the units to stop, disable and
 * remove, the files and directories, the processes that must be gone, and the pod ranges no route
 * may point into any more. Each list is read from the chapter that installs the thing, so what
 * chapter 13 removes cannot drift from what the others install.
 */
import { isNode, type Host, type Lab } from '../kit.js';
import { dataDir, etcdDir, unitPath as etcdUnitPath } from '../07-etcd/cluster.js';
import { binDir, components, configDir, file as controlPlaneFile, varDir } from '../08-bootstrapping-control-plane/control-plane.js';
import {
  binDir as workerBinDir,
  file as workerFile,
  imagesDir,
  kubeletDir,
  kubeProxyDir,
  vipStandIn,
  type VipStandIn,
} from '../09-bootstrapping-worker-nodes/worker-nodes.js';
import { routesUnit } from '../11-pod-network-routes/routes.js';

const unitDir = '/etc/systemd/system';

export interface HostLeftovers {
  name: string;
  /** Units kthw wrote: stopped, disabled and their files removed. */
  units: string[];
  /** Units of the machine image the chapters started (containerd): stopped and disabled, not removed. */
  imageUnits: string[];
  paths: string[];
  /** Process names (pgrep -x) that must not run any more. */
  processes: string[];
  /** A node (a worker, or a controller with a pod range): its pods, mounts and runtime go too. */
  worker: boolean;
  /** The API VIP chapter 09 put on this machine while no kube-vip runs. */
  vip?: VipStandIn;
}

export interface Cleanup {
  lab: Lab;
  hosts: HostLeftovers[];
  /** The lab's pod ranges: no route may point into them once the nodes are gone. */
  podRanges: Array<{ family: 'ipv4' | 'ipv6'; range: string }>;
}

function forHost(host: Host, vip: VipStandIn | undefined): HostLeftovers {
  const controller = host.roles.includes('controller');
  const etcd = host.roles.includes('etcd');
  const worker = isNode(host);
  const units = [
    ...(etcd ? ['etcd.service', 'etcd-defrag.service', 'etcd-defrag.timer'] : []),
    ...(controller ? components.map((c) => `${c}.service`) : []),
    ...(worker ? ['kubelet.service', 'kube-proxy.service'] : []),
    ...(controller || worker ? [routesUnit] : []),
  ];
  const paths = [
    ...units.map((u) => (u === 'etcd.service' ? etcdUnitPath : `${unitDir}/${u}`)),
    ...(etcd ? [etcdDir, dataDir, `${binDir}/etcd`, `${binDir}/etcdctl`, `${binDir}/etcdutl`] : []),
    ...(controller ? [varDir, configDir, controlPlaneFile.auditLog, ...components.map((c) => `${binDir}/${c}`), `${binDir}/kubectl`] : []),
    ...(worker
      ? [
          kubeletDir,
          kubeProxyDir,
          imagesDir,
          workerFile.bridge,
          workerFile.loopback,
          workerFile.containerd,
          workerFile.crictl,
          workerFile.modules,
          workerFile.sysctl,
          '/var/lib/cni',
          ...['kubelet', 'kube-proxy', 'crictl'].map((b) => `${workerBinDir}/${b}`),
        ]
      : []),
  ];
  const processes = [
    ...(etcd ? ['etcd'] : []),
    ...(controller ? [...components] : []),
    ...(worker ? ['kubelet', 'kube-proxy', 'containerd-shim-runc-v2', 'pause', 'nginx'] : []),
  ];
  return {
    name: host.name,
    units,
    imageUnits: worker ? ['containerd.service'] : [],
    paths: [...new Set(paths)],
    processes,
    worker,
    ...(vip?.holder.name === host.name ? { vip } : {}),
  };
}

export function cleanup(lab: Lab): Cleanup {
  const hosts = lab.hosts.filter((h) => h.roles.some((r) => r === 'controller' || r === 'etcd' || r === 'worker'));
  const podRanges = (['ipv4', 'ipv6'] as const).flatMap((family) => (lab.networks.pods[family] ? [{ family, range: lab.networks.pods[family] }] : []));
  const vip = vipStandIn(lab);
  return { lab, hosts: hosts.map((h) => forHost(h, vip)), podRanges };
}
