/** Which kubeconfigs a lab needs, who uses each, which server it names and where it is copied. */
import { type CertProfile, hostsWithRole, type Lab, labFamilies, nodeHosts, urlHost } from '../kit.js';
// The client certificates chapter 04 issued: each kubeconfig embeds one.
import { profilesOf } from '../04-certificate-authority/certificates.js';

/** Upstream's names for the cluster entry and the one context of every kubeconfig. */
export const clusterName = 'kubernetes-the-hard-way';
export const contextName = 'default';

export interface Placement {
  host: string;
  path: string;
  /** The CA certificate chapter 04 left on that host (what the check compares the embedded CA with). */
  caPath: string;
}

export interface Kubeconfig {
  /** `node-0`, `kube-proxy`, `admin`…: also the certificate profile id and the file base name. */
  name: string;
  /** The kubeconfig user: the certificate's CN. */
  user: string;
  /** The certificate's O values (the user's groups). */
  groups: string[];
  server: string;
  /** Whether this component talks to the API server on its own machine. */
  local: boolean;
  placements: Placement[];
}

/**
 * The API server as the machines outside the control plane reach it: the lab's API name (classic,
 * resolved through /etc/hosts), or, when the lab has a virtual IP, that address itself: chapter 03's
 * /etc/hosts has no entry for the VIP's name and the lab runs no DNS server.
 */
export function remoteServer(lab: Lab): string {
  const { api } = lab.networks;
  return `https://${api.vip ? urlHost(api.vip) : api.name}:${api.port}`;
}

/** The API server on the same machine: IPv4 loopback when the lab has IPv4, else `[::1]`. */
export function localServer(lab: Lab): string {
  const loopback = labFamilies(lab).includes('ipv4') ? '127.0.0.1' : '[::1]';
  return `https://${loopback}:${lab.networks.api.port}`;
}

function subject(profile: CertProfile, name: 'CN' | 'O'): string[] {
  return profile.subject.filter((a) => a.name === name).map((a) => a.value);
}

/**
 * Upstream: kubelets and kube-proxy on the workers, admin, scheduler and controller manager in root's
 * home on the control plane. Classic names the API server by name everywhere but in admin's
 * kubeconfig (127.0.0.1), as upstream does; with a VIP the control-plane components, and the kubelet
 * of a controller that is a node, use their own machine's API server, so they do not depend on the
 * VIP that kube-vip only raises once an API server is up.
 */
export function kubeconfigsOf(lab: Lab): Kubeconfig[] {
  const profiles = profilesOf(lab);
  const profile = (id: string) => profiles.find((p) => p.id === id)!;
  const nodes = nodeHosts(lab);
  const controllers = hostsWithRole(lab, 'controller');
  const withVip = lab.networks.api.vip !== undefined;
  const make = (name: string, local: boolean, placements: Placement[]): Kubeconfig => ({
    name,
    user: subject(profile(name), 'CN')[0]!,
    groups: subject(profile(name), 'O'),
    server: local ? localServer(lab) : remoteServer(lab),
    local,
    placements,
  });
  const onControllers = (file: string) => controllers.map((c) => ({ host: c.name, path: `/root/${file}`, caPath: '/root/ca.crt' }));
  return [
    ...nodes.map((w) =>
      make(w.name, withVip && w.roles.includes('controller'), [{ host: w.name, path: '/var/lib/kubelet/kubeconfig', caPath: '/var/lib/kubelet/ca.crt' }]),
    ),
    make(
      'kube-proxy',
      false,
      nodes.map((w) => ({ host: w.name, path: '/var/lib/kube-proxy/kubeconfig', caPath: '/var/lib/kubelet/ca.crt' })),
    ),
    make('kube-controller-manager', withVip, onControllers('kube-controller-manager.kubeconfig')),
    make('kube-scheduler', withVip, onControllers('kube-scheduler.kubeconfig')),
    make('admin', true, onControllers('admin.kubeconfig')),
  ];
}
