/**
 * Shell that looks for what a host still has of the cluster, one kind at a time: each prints one
 * line per leftover and nothing when the host is clean. The checks print them; the clean-up step
 * is skipped when all of them print nothing.
 */
import { sh } from '../kit.js';
import { vipHeld } from '../09-bootstrapping-worker-nodes/steps.js';
import type { VipStandIn } from '../09-bootstrapping-worker-nodes/worker-nodes.js';
import type { Cleanup, HostLeftovers } from './leftovers.js';

export const mountRoots = ['/var/lib/kubelet', '/run/containerd', '/run/netns'];

export function unitProbe(h: HostLeftovers): string {
  const all = [...h.units, ...h.imageUnits];
  return (
    `for u in ${all.map((u) => sh`${u}`).join(' ')}; do ` +
    'if systemctl is-active -q "$u"; then echo "$u is running"; elif systemctl is-enabled -q "$u" 2>/dev/null; then echo "$u starts at boot"; fi; done'
  );
}

export function fileProbe(h: HostLeftovers): string {
  return `for p in ${h.paths.map((p) => sh`${p}`).join(' ')}; do if [ -e "$p" ] || [ -L "$p" ]; then echo "$p is still there"; fi; done`;
}

/** The kernel keeps 15 characters of a process name (comm), so pgrep -x is given those. */
export function processProbe(h: HostLeftovers): string {
  return h.processes.map((p) => sh`pids=$(pgrep -x ${p.slice(0, 15)} | tr '\\n' ' '); [ -z "$pids" ] || echo ${p}` + ' "runs (pid $pids)"').join('; ');
}

export function routeProbe(cleanup: Cleanup): string {
  return cleanup.podRanges
    .map(({ family, range }) => sh`ip ${family === 'ipv4' ? '-4' : '-6'} route show root ${range}` + ` | sed 's/^/route into the pod range: /'`)
    .join('; ');
}

/** The VIP chapter 09 put on the machine, when it is still there. */
export function vipProbe(vip: VipStandIn): string {
  return vipHeld(vip) + ` | awk '{ print "the API VIP " $4 " is still on " $2 }'`;
}

export function mountProbe(): string {
  const pattern = `^(${mountRoots.map((r) => r.replaceAll('/', '\\/')).join('|')})(/|$)`;
  return `findmnt -rn -o TARGET | grep -E ${sh`${pattern}`} | sed 's/^/still mounted: /'`;
}

export function everyProbe(cleanup: Cleanup, h: HostLeftovers): string {
  return [unitProbe(h), fileProbe(h), processProbe(h), routeProbe(cleanup), ...(h.worker ? [mountProbe()] : []), ...(h.vip ? [vipProbe(h.vip)] : [])].join(
    '; ',
  );
}
