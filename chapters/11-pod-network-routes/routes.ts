/**
 * The pod routes a lab asks for, as data: every machine that talks to pods (controllers and
 * workers) gets, for each other node (every worker, and a controller with a pod range), a route to
 * that node's pod range via its node address, per address family the pod ranges use.
 */
import { UsageError, nodeHosts, type Family, type Host, type Lab } from '../kit.js';

export const routesUnit = 'pod-routes.service';
export const routesUnitPath = `/etc/systemd/system/${routesUnit}`;

export interface PodRoute {
  family: Family;
  /** The other node's pod range. */
  to: string;
  /** That node's address, the next hop. */
  via: string;
  /** The node that owns the range. */
  worker: string;
}

export interface RoutingHost {
  name: string;
  routes: PodRoute[];
}

const familyFlag = (family: Family) => (family === 'ipv4' ? '-4' : '-6');

/** `ip -4 route replace 10.200.1.0/24 via 10.240.0.21`: the one place a route becomes a command. */
export function ipRoute(verb: 'replace' | 'del' | 'show', route: PodRoute): string {
  return verb === 'show'
    ? `ip ${familyFlag(route.family)} route show ${route.to}`
    : `ip ${familyFlag(route.family)} route ${verb} ${route.to} via ${route.via}`;
}

export function podRoutes(lab: Lab): RoutingHost[] {
  const nodes = nodeHosts(lab);
  const families = (['ipv4', 'ipv6'] as const).filter((f) => lab.networks.pods[f] !== undefined);
  const routeTo = (worker: Host): PodRoute[] =>
    families.flatMap((family) => {
      const to = worker.podCidr?.[family];
      if (!to) return [];
      const via = worker.addresses[family];
      if (!via) {
        throw new UsageError(`${worker.name} has a ${family} pod range but no ${family} address to route it through`, {
          where: lab.source,
          fix: `give ${worker.name} an ${family} address on the node network`,
        });
      }
      return [{ family, to, via, worker: worker.name }];
    });
  const routers = lab.hosts.filter((h) => h.roles.includes('controller') || h.roles.includes('worker'));
  return routers.map((h) => ({ name: h.name, routes: nodes.filter((w) => w.name !== h.name).flatMap(routeTo) })).filter((h) => h.routes.length > 0);
}
