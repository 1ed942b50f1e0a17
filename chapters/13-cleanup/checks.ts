/** The checks of chapter 13: the machines are clean, one kind of leftover per check, each listed. */
import type { CheckSpec } from '../kit.js';
import type { Cleanup, HostLeftovers } from './leftovers.js';
import { fileProbe, mountProbe, processProbe, routeProbe, unitProbe, vipProbe } from './probes.js';

const rerun = 'run chapter 13 again';

/** Passes when the probe prints nothing; otherwise its lines are the finding. */
function clean(probe: string, what: string): string {
  return `out=$( { ${probe}; } 2>&1 ); if [ -n "$out" ]; then echo "$out"; exit 1; fi; echo ${JSON.stringify(`no ${what} left`)}`;
}

function hostChecks(cleanup: Cleanup, h: HostLeftovers): CheckSpec[] {
  const check = (kind: string, probe: string, what: string, why: string): CheckSpec => ({
    id: `no-${kind}-${h.name}`,
    title: `${h.name} has no ${what} of the cluster left`,
    host: h.name,
    kind: 'command',
    params: { run: clean(probe, what) },
    why,
    fix: `${rerun}; it stops and removes each thing listed`,
  });
  return [
    check('units', unitProbe(h), 'units', 'A unit left enabled starts a half-removed component again at the next boot.'),
    check(
      'files',
      fileProbe(h),
      'files',
      'Certificates, keys and the etcd data hold the old cluster: a rebuild would find them, and so would anyone who reads the disk.',
    ),
    check('processes', processProbe(h), 'processes', 'A process that outlives its unit still holds ports, files and, for a pod, its address.'),
    check('routes', routeProbe(cleanup), 'pod routes', 'A route into a pod range that no node serves any more sends packets nowhere.'),
    ...(h.worker
      ? [
          check(
            'mounts',
            mountProbe(),
            'mounts',
            "Pods' volumes and network namespaces stay mounted until unmounted: they pin memory and block the removal of their directories.",
          ),
        ]
      : []),
    ...(h.vip
      ? [check('vip', vipProbe(h.vip), 'API VIP', 'The VIP answers for an API server that is gone: clients wait for a timeout instead of failing at once.')]
      : []),
  ];
}

export function checks(cleanup: Cleanup): CheckSpec[] {
  return cleanup.hosts.flatMap((h) => hostChecks(cleanup, h));
}
