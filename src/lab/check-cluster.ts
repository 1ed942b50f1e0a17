/**
 * Values that pass every range check yet break a later chapter: a service range kube-apiserver
 * refuses, a node pod range too small for a pod, the API on a port already taken, an API name that
 * resolves to one plain host, a router in the cluster's own AS, and node networks that are this
 * machine's own (loopback), where every "remote" action would land here.
 */
import { formatCidr, overlaps, type Cidr } from './cidr.js';
import type { RawLab } from './schema.js';
import { cidr, present, type Reporter } from './semantic-support.js';
import type { PerFamily } from './types.js';

/**
 * kube-apiserver v1.32 (the release the shipped labs pin) refuses a --service-cluster-ip-range with
 * more than 20 host bits: cmd/kube-apiserver/app/options/validation.go, validateMaxCIDRRange with
 * maxCIDRBits = 20 ("specified --service-cluster-ip-range is too large; for 128-bit addresses, the
 * mask must be >= 108"; see kubernetes/kubernetes#90391). So IPv4 /12 or longer, IPv6 /108 or longer.
 * (1.33 lifts it with MultiCIDRServiceAllocator on by default; the limit is kept: it fits every release.)
 */
export const MAX_SERVICE_HOST_BITS = 20;

/** A node's pod range holds the bridge's gateway and at least one pod, besides network and broadcast. */
const MAX_POD_PREFIX: Record<'ipv4' | 'ipv6', number> = { ipv4: 30, ipv6: 126 };

/** Ports the control plane's own daemons listen on (etcd client and peer, kubelet, controller-manager, scheduler). */
const TAKEN_PORTS: ReadonlyMap<number, string> = new Map([
  [2379, "etcd's client port"],
  [2380, "etcd's peer port"],
  [10250, "the kubelet's port"],
  [10257, "kube-controller-manager's port"],
  [10259, "kube-scheduler's port"],
]);

/** Ranges where an address is this machine itself, or no machine at all. */
const NOT_A_MACHINE: ReadonlyArray<[string, string]> = [
  ['0.0.0.0/8', '"this network" (0.0.0.0/8): no machine has these addresses'],
  ['127.0.0.0/8', 'the loopback range 127.0.0.0/8: every address in it is this machine'],
  ['224.0.0.0/4', 'the multicast range 224.0.0.0/4'],
  ['::/128', 'the unspecified address ::'],
  ['::1/128', 'the loopback address ::1: it is this machine'],
  ['::ffff:0:0/96', 'the IPv4-mapped range ::ffff:0:0/96 (it can name 127.0.0.1, this machine)'],
  ['ff00::/8', 'the multicast range ff00::/8'],
];

export function checkNodeNetworks(nodes: PerFamily<Cidr>, report: Reporter): void {
  for (const f of present(nodes)) {
    const node = nodes[f]!;
    for (const [range, why] of NOT_A_MACHINE) {
      if (overlaps(node, cidr(range))) {
        report.add(
          ['networks', 'nodes', f],
          `node network ${formatCidr(node)} overlaps ${why}`,
          'use a private range of your lab machines, e.g. 10.240.0.0/24 or fd00:10:240::/64',
        );
        break;
      }
    }
  }
}

export function checkClusterLimits(raw: RawLab, report: Reporter): void {
  const net = raw.networks;
  for (const f of present(net.services)) {
    const range = cidr(net.services[f]!);
    const bits = (range.family === 4 ? 32 : 128) - range.length;
    if (bits > MAX_SERVICE_HOST_BITS) {
      const min = (range.family === 4 ? 32 : 128) - MAX_SERVICE_HOST_BITS;
      report.add(
        ['networks', 'services', f],
        `service network ${formatCidr(range)} is larger than kube-apiserver accepts (${f} prefixes of /${min} or longer)`,
        `use a /${min} or smaller range, e.g. ${f === 'ipv4' ? '10.32.0.0/24' : 'fd00:4:32::/112'}`,
      );
    }
  }

  raw.hosts.forEach((host, i) => {
    for (const f of present(host.podCidr ?? {})) {
      const range = cidr(host.podCidr![f]!);
      if (range.length > MAX_POD_PREFIX[f]) {
        report.add(
          ['hosts', i, 'podCidr', f],
          `pod CIDR ${formatCidr(range)} of ${host.name} is too small: it must hold the bridge's gateway and at least one pod`,
          `give each worker a /${f === 'ipv4' ? 24 : 64}, or at most a /${MAX_POD_PREFIX[f]}`,
        );
      }
    }
  });

  const port = net.api.port;
  const taken = TAKEN_PORTS.get(port);
  if (taken) report.add(['networks', 'api', 'port'], `API port ${port} is ${taken} on the controllers`, 'use 6443, the usual API server port');
  const controllers = raw.hosts.filter((h) => h.roles.includes('controller'));
  const sshClash = controllers.find((h) => h.ssh.port === port);
  if (!taken && sshClash)
    report.add(['networks', 'api', 'port'], `API port ${port} is the SSH port of controller ${sshClash.name}`, 'use 6443, the usual API server port');

  // Without a VIP, kubeconfigs reach the API by its name, which only /etc/hosts (chapter 03) resolves:
  // it must be a controller's FQDN. With a VIP, a host's FQDN would point the name at that one host.
  const api = net.api.name;
  const named = raw.hosts.find((h) => `${h.name}.${raw.domain}` === api || h.name === api);
  if (named && (net.api.vip !== undefined || (controllers.length > 0 && !named.roles.includes('controller')))) {
    report.add(
      ['networks', 'api', 'name'],
      net.api.vip !== undefined
        ? `API name ${api} is the name of host ${named.name}: it would resolve to that host, not to the VIP`
        : `API name ${api} is the name of host ${named.name}, which is not a controller`,
      net.api.vip !== undefined
        ? 'give the API its own name, e.g. lab-k8s'
        : `use a controller's FQDN, e.g. ${controllers[0] ? `${controllers[0].name}.${raw.domain}` : `server.${raw.domain}`}`,
    );
  }

  const bgp = net.bgp;
  if (bgp) {
    raw.hosts.forEach((host, i) => {
      if (host.asn !== undefined && host.asn === bgp.clusterAsn) {
        report.add(
          ['hosts', i, 'asn'],
          `router ${host.name}'s asn ${host.asn} is the cluster's own AS (networks.bgp.clusterAsn)`,
          'the router peers with the cluster over eBGP: give it another AS number, e.g. 65069',
        );
      }
    });
  }
}
