/**
 * The smoke test a lab asks for, as data: where kubectl runs (the jumpbox, configured in chapter 10),
 * which controller reads etcd, the nginx image (upstream's from a registry, or the one the local lab
 * built, by digest), and the node addresses a NodePort must answer on.
 */
import { primaryAddress, type Lab } from '../kit.js';
import { jumpboxOf } from '../common.js';
import { etcdctl } from '../07-etcd/index.js';
import { controlPlane, file } from '../08-bootstrapping-control-plane/control-plane.js';
import { workerNodes } from '../09-bootstrapping-worker-nodes/worker-nodes.js';

export const secretName = 'kubernetes-the-hard-way';
export const deploymentName = 'nginx';
/** A port on the jumpbox's loopback for `kubectl port-forward`: not one a learner's own tools use by habit. */
export const forwardPort = 18080;
export const upstreamNginx = 'nginx:latest';

export interface SmokeTest {
  jumpbox: string;
  controller: string;
  /** etcdctl on the controller, with the endpoints (and TLS files) of chapter 07. */
  etcdGet: string;
  image: string;
  /** The image came from the lab's own archives: nothing is pulled. */
  localImage: boolean;
  nodes: Array<{ name: string; address: string }>;
}

export function smokeTest(lab: Lab, params: Record<string, string>): SmokeTest {
  const nodes = workerNodes(lab, params);
  const cp = controlPlane(lab);
  const first = cp.controllers[0]!;
  const nginx = nodes.images?.list.find((i) => i.standsInFor.startsWith('nginx:'));
  const tls = cp.etcd.tls ? { cacert: file.ca, cert: file.etcdClientCert, key: file.etcdClientKey } : undefined;
  return {
    jumpbox: jumpboxOf(lab).name,
    controller: first.name,
    etcdGet: `${etcdctl(
      cp.etcd,
      cp.etcd.members.map((m) => m.clientUrl),
      tls,
    )} --dial-timeout=3s --command-timeout=5s`,
    image: nginx ? `${nginx.reference.replace(/:[^:/]+$/, '')}@${nginx.digest}` : upstreamNginx,
    localImage: nginx !== undefined,
    nodes: nodes.workers.map((w) => ({ name: w.name, address: primaryAddress(lab, w.host) })),
  };
}
