/** The steps of chapter 11: a unit per machine that holds its pod routes, started now and at boot. */
import { chapterFolder, glossaryOf, sh, templateFile, type Step } from '../kit.js';
import { toolFlagMeanings } from '../08-bootstrapping-control-plane/flag-meanings.js';
import { ipRoute, routesUnit, routesUnitPath, type PodRoute, type RoutingHost } from './routes.js';

const { slug } = chapterFolder(import.meta.url);

export const routeTerms: Record<string, string> = {
  'ip route replace': 'Adds the route, or changes the one to the same range: running it twice is harmless.',
  via: 'The next hop: the node that owns the range, on the node network.',
  'Type=oneshot': 'The unit runs its commands once and is done; with RemainAfterExit=yes it counts as active afterwards.',
  ExecStop: 'Run when the unit stops: the routes go with it (the leading "-" ignores a route already gone).',
};

/** Shell: the route is there and goes via its owner. */
function present(route: PodRoute): string {
  return `${ipRoute('show', route)} | grep -q ${sh`${`via ${route.via} `}`}`;
}

/** What the unit starts with, and what puts back a route deleted by hand: one list for both. */
function replaceRoutes(h: RoutingHost): string[] {
  return h.routes.map((r) => ipRoute('replace', r));
}

export function steps(hosts: RoutingHost[]): Step[] {
  return hosts.map((h) => ({
    id: `routes-${h.name}`,
    title: `${h.name} routes ${h.routes.map((r) => `${r.to} via ${r.worker}`).join(', ')}`,
    why:
      `Pods on different workers reach each other by their own addresses, with no tunnel. ${h.name} must know which worker ` +
      'holds each pod range, or it sends those packets along its default route, where nobody knows them. A oneshot unit holds ' +
      'the routes, so they come back after a reboot as a learner would expect of anything in /etc.',
    host: h.name,
    actions: [
      templateFile(
        slug,
        'pod-routes.service.tmpl',
        {
          exec_start: replaceRoutes(h)
            .map((command) => `ExecStart=${command}`)
            .join('\n'),
          exec_stop: h.routes.map((r) => `ExecStop=-${ipRoute('del', r)}`).join('\n'),
        },
        { path: routesUnitPath, mode: '0644', owner: 'root', group: 'root', notify: [routesUnit] },
      ),
      { kind: 'unit', unit: routesUnit, enabled: true, state: 'started' },
      // a route deleted by hand leaves the oneshot unit active: put the routes back as the unit does
      { kind: 'command', run: replaceRoutes(h).join('\n'), unless: h.routes.map(present).join(' && ') },
    ],
    glossary: { ...routeTerms, ...glossaryOf(['--now'], toolFlagMeanings) },
  }));
}
