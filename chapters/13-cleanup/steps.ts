/** The steps of chapter 13: each machine gives back what chapters 07–12 put on it. */
import { sh, type Step } from '../kit.js';
import { components } from '../08-bootstrapping-control-plane/control-plane.js';
import { everyProbe, mountRoots } from './probes.js';
import { vipHeld } from '../09-bootstrapping-worker-nodes/steps.js';
import type { VipStandIn } from '../09-bootstrapping-worker-nodes/worker-nodes.js';
import type { Cleanup, HostLeftovers } from './leftovers.js';

export const cleanupTerms: Record<string, string> = {
  '--now': 'systemctl disable stops the unit as well as removing it from boot.',
  '-af': 'crictl rmp: every pod sandbox, running ones too (forced), with its containers.',
  '-l': 'umount lazily: detach now, finish once nothing uses the mount any more.',
};

function workerTeardown(h: HostLeftovers): string[] {
  const mounts = mountRoots.map((r) => r.replaceAll('/', '\\/')).join('|');
  return [
    // the pods first, while kubelet no longer restarts them and containerd still runs them
    'systemctl disable --now kubelet.service kube-proxy.service 2>/dev/null || true',
    'if systemctl is-active -q containerd.service && [ -x /usr/local/bin/crictl ]; then /usr/local/bin/crictl rmp -af >/dev/null 2>&1 || true; fi',
    ...h.imageUnits.map((u) => sh`systemctl disable --now ${u} 2>/dev/null || true`),
    'pkill -9 -x containerd-shim-runc-v2 2>/dev/null || true',
    `findmnt -rn -o TARGET | grep -E '^(${mounts})(/|$)' | sort -r | while read -r m; do umount -l "$m"; done`,
    'ip link del cni0 2>/dev/null || true',
    // the containerd store is a directory of its own on the local lab (a mount point): empty it, keep it
    'find /var/lib/containerd -mindepth 1 -maxdepth 1 -exec rm -rf {} + 2>/dev/null || true',
  ];
}

function vipRemoval(vip: VipStandIn): string {
  const flag = vip.address.includes(':') ? '-6' : '-4';
  return (
    vipHeld(vip) + ` | awk '{ print $2 }' | while read -r dev; do ` + `ip ${flag} addr del ` + sh`${`${vip.address}/${vip.prefixLength}`} dev "$dev"; done`
  );
}

/**
 * Every API server stops before any etcd member does. An API server told to stop first takes its
 * address out of the kubernetes Service's endpoints, a write to etcd: with no etcd quorum left (the
 * other members already removed) it waits for it until systemd kills it, 90 s per controller.
 */
function controlPlaneStop(cleanup: Cleanup): Step[] {
  const units = components.map((c) => `${c}.service`);
  return cleanup.hosts
    .filter((h) => h.units.includes('kube-apiserver.service'))
    .map((h) => ({
      id: `stop-control-plane-${h.name}`,
      title: `Stop the control plane on ${h.name} while etcd still answers`,
      why:
        "An API server that stops writes once more to etcd: it takes its own address out of the kubernetes Service's endpoints. " +
        'So every API server stops while the etcd members are all still there; removing a member first would leave the last API server ' +
        'waiting for a quorum that is gone, until systemd kills it.',
      host: h.name,
      actions: [{ kind: 'command', run: sh`systemctl stop ${units}`, unless: units.map((u) => sh`! systemctl is-active -q ${u}`).join(' && ') }],
    }));
}

export function steps(cleanup: Cleanup): Step[] {
  return [...controlPlaneStop(cleanup), ...cleanup.hosts.map((h) => hostCleanup(cleanup, h))];
}

function hostCleanup(cleanup: Cleanup, h: HostLeftovers): Step {
  return {
    id: `clean-${h.name}`,
    title: `${h.name} gives back ${h.units.join(', ')} and their files`,
    why:
      `What chapters 07–12 installed on ${h.name}: ${h.units.length} units, their binaries, configuration, certificates and data. ` +
      'Stopping comes before removing, and on a worker the pods go before the runtime that runs them, so nothing is left running without its files. ' +
      'The pod routes go with their unit' +
      (h.vip ? `, and the API VIP ${h.vip.address} chapter 09 put here goes too.` : '.'),
    host: h.name,
    actions: [
      {
        kind: 'command',
        run: [
          ...(h.worker ? workerTeardown(h) : []),
          // the reverse of the order they were installed in: what depends on a unit stops before it
          ...[...h.units].reverse().map((u) => sh`systemctl disable --now ${u} 2>/dev/null || true`),
          sh`rm -rf -- ${h.paths}`,
          ...(h.vip ? [vipRemoval(h.vip)] : []),
          'systemctl daemon-reload',
          'systemctl reset-failed 2>/dev/null || true',
        ].join('\n'),
        unless: `[ -z "$( { ${everyProbe(cleanup, h)}; } 2>/dev/null)" ]`,
      },
    ],
    glossary: h.worker ? cleanupTerms : { '--now': cleanupTerms['--now']! },
  };
}
