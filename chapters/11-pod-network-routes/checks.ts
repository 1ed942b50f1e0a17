/** The checks of chapter 11: each route is there and goes via the worker that owns the range. */
import { firstAddressOf, sh, type CheckSpec } from '../kit.js';
import { ipRoute, routesUnit, type PodRoute, type RoutingHost } from './routes.js';

const rerun = 'run chapter 11 again';

/** Shell: prints the route and passes, or says what the machine would do instead and fails. */
function routeScript(route: PodRoute): string {
  const show = ipRoute('show', route);
  const firstPod = firstAddressOf(route.to);
  return [
    `r=$(${show})`,
    `if [ -z "$r" ]; then echo ${sh`${`no route to ${route.to}; packets for ${route.worker}'s pods would go:`}`}; ${sh`ip ${route.family === 'ipv4' ? '-4' : '-6'} route get ${firstPod}`} 2>&1 | head -1; exit 1; fi`,
    `case "$r" in *${sh`${`via ${route.via} `}`}*) echo "$r" ;; *) echo "$r"; echo ${sh`${`goes elsewhere: ${route.worker}'s node address is ${route.via}`}`}; exit 1 ;; esac`,
  ].join('\n');
}

export function checks(hosts: RoutingHost[]): CheckSpec[] {
  return hosts.flatMap((h) => [
    {
      id: `unit-pod-routes-${h.name}`,
      title: `the pod routes' unit ran on ${h.name} and runs at boot`,
      host: h.name,
      kind: 'unit',
      params: { unit: routesUnit, enabled: true },
      why: 'The unit puts the routes back after a reboot; inactive, the routes may be gone or stale.',
      fix: `systemctl status ${routesUnit} on ${h.name} shows which ip command failed; ${rerun}`,
    },
    ...h.routes.map((route): CheckSpec => ({
      id: `route-${h.name}-to-${route.worker}-${route.family}`,
      title: `${h.name} routes ${route.to} (${route.worker}'s pods) via ${route.via}`,
      host: h.name,
      kind: 'command',
      params: { run: routeScript(route) },
      why: `Without it ${h.name} cannot reach a pod on ${route.worker}: the packets follow the default route and are lost.`,
      fix: `${rerun}, or by hand on ${h.name}: ${ipRoute('replace', route)}`,
    })),
  ]);
}
