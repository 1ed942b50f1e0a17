/** Each host (names, addresses, pod ranges, ASNs), the role counts, and the SSH jump chains. */
import { containsAddress, containsCidr, formatAddress, formatCidr, overlaps, type Cidr } from './cidr.js';
import type { RawLab } from './schema.js';
import { reservedHostName } from './reserved-names.js';
import { address, cidr, FAMILIES, type Reporter, reservedIn, type RawHost } from './semantic-support.js';
import type { PerFamily, Role } from './types.js';

export function checkHosts(raw: RawLab, nodes: PerFamily<Cidr>, report: Reporter): void {
  const net = raw.networks;
  const names = new Map<string, number>();
  const used = new Map<string, string>(); // canonical address -> host name
  const vip = net.api.vip === undefined ? undefined : address(net.api.vip);
  const podRanges: Array<{ host: string; range: Cidr }> = [];

  raw.hosts.forEach((host, i) => {
    const at = (...rest: Array<string | number>) => ['hosts', i, ...rest];
    const reserved = reservedHostName(host.name);
    if (reserved) report.add(at('name'), `host name "${host.name}" is reserved: ${reserved}`, 'rename the host, e.g. "node-9" or "server-1"');
    const earlier = names.get(host.name);
    if (earlier !== undefined) report.add(at('name'), `host name "${host.name}" is already used by hosts[${earlier}]`, 'give every host its own name');
    else names.set(host.name, i);
    const fqdn = `${host.name}.${raw.domain}`;
    if (fqdn.length > 253) report.add(at('name'), `host ${host.name}'s FQDN ${fqdn} is longer than 253 characters`, 'shorten the host name or the domain');

    host.roles.forEach((role, r) => {
      if (host.roles.indexOf(role) !== r) report.add(at('roles', r), `host ${host.name} lists the role ${role} twice`, 'list each role once');
    });

    for (const f of FAMILIES) {
      const node = nodes[f];
      const given = host.addresses[f];
      if (given === undefined) {
        if (node)
          report.add(
            at('addresses'),
            `host ${host.name} has no ${f} address, but the node network has ${f}`,
            `add ${f}: with an address inside ${formatCidr(node)}`,
          );
        continue;
      }
      const a = address(given);
      const path = at('addresses', f);
      if (!node) {
        report.add(path, `host ${host.name} has an ${f} address, but the node network has no ${f} prefix`, `remove it, or add ${f}: to networks.nodes`, true);
        continue;
      }
      if (!containsAddress(node, a)) {
        report.add(path, `host ${host.name}: address ${given} is outside the node network ${formatCidr(node)}`, `pick an address inside ${formatCidr(node)}`);
        continue;
      }
      const reserved = reservedIn(a, node);
      const canonical = formatAddress(a);
      const hostAddress = net.hostAddress[f];
      if (reserved) report.add(path, `host ${host.name}: address ${given} is ${reserved}`, 'pick another address of the node network');
      else if (hostAddress !== undefined && address(hostAddress).value === a.value) {
        report.add(
          path,
          `host ${host.name}: address ${given} is the lab host's own address (networks.hostAddress)`,
          'pick another address of the node network',
        );
      } else if (vip && vip.family === a.family && vip.value === a.value) {
        report.add(path, `host ${host.name}: address ${given} is the API VIP`, 'the VIP floats between controllers: give the host its own address');
      } else if (used.has(canonical)) {
        report.add(path, `host ${host.name}: address ${given} is already used by host ${used.get(canonical)}`, 'give every host its own address');
      } else used.set(canonical, host.name);
    }

    const isWorker = host.roles.includes('worker');
    // a controller with a pod range is a node too (its kubelet runs the control plane's static pods)
    const mayRunPods = isWorker || host.roles.includes('controller');
    if (!mayRunPods && host.podCidr) {
      report.add(at('podCidr'), `host ${host.name} has a podCidr but is neither a worker nor a controller`, 'remove podCidr, or add the worker role', true);
    }
    if (isWorker && !host.podCidr) {
      report.add(at(), `worker ${host.name} has no podCidr`, 'give it a pod range inside networks.pods, e.g. podCidr: { ipv4: 10.200.0.0/24 }');
    }
    if (mayRunPods && host.podCidr) {
      for (const f of FAMILIES) {
        const given = host.podCidr[f];
        const pods = net.pods[f];
        if (given === undefined) {
          if (pods !== undefined)
            report.add(
              at('podCidr'),
              `${isWorker ? 'worker' : 'node'} ${host.name} has no ${f} pod CIDR, but networks.pods has ${f}`,
              `add ${f}: with a range inside ${pods}`,
            );
          continue;
        }
        const range = cidr(given);
        const path = at('podCidr', f);
        if (pods === undefined) {
          report.add(
            path,
            `${isWorker ? 'worker' : 'node'} ${host.name} has an ${f} pod CIDR, but networks.pods has no ${f} range`,
            `remove it, or add ${f}: to networks.pods`,
            true,
          );
          continue;
        }
        if (!containsCidr(cidr(pods), range)) {
          report.add(
            path,
            `pod CIDR ${given} of ${host.name} is outside the pod network ${formatCidr(cidr(pods))}`,
            `pick a range inside ${formatCidr(cidr(pods))}`,
          );
          continue;
        }
        const clash = podRanges.find((other) => overlaps(other.range, range));
        if (clash) report.add(path, `pod CIDR ${given} of ${host.name} overlaps ${clash.host}'s ${formatCidr(clash.range)}`, 'give each node its own range');
        else podRanges.push({ host: host.name, range });
      }
    }
    const isRouter = host.roles.includes('router');
    if (isRouter && host.asn === undefined) report.add(at(), `router ${host.name} has no asn`, 'give it its BGP AS number, e.g. asn: 65069');
    if (!isRouter && host.asn !== undefined)
      report.add(at('asn'), `host ${host.name} has an asn but is not a router`, 'remove asn, or add the router role', true);
  });
}

function countRole(raw: RawLab, role: Role): RawHost[] {
  return raw.hosts.filter((h) => h.roles.includes(role));
}

export function checkRoles(raw: RawLab, report: Reporter): void {
  const jumpboxes = countRole(raw, 'jumpbox');
  if (jumpboxes.length === 0) report.add(['hosts'], 'no host has the jumpbox role', 'add the jumpbox role to exactly one host (the machine you work from)');
  for (const extra of jumpboxes.slice(1)) {
    report.add(
      ['hosts', raw.hosts.indexOf(extra), 'roles'],
      `host ${extra.name} is a second jumpbox (${jumpboxes[0]!.name} is one already)`,
      'keep the jumpbox role on exactly one host',
    );
  }
  const required: Array<[Role, string]> = [
    ['controller', 'no host has the controller role'],
    ['etcd', 'no host has the etcd role'],
    ['worker', 'no host has the worker role'],
  ];
  for (const [role, message] of required) {
    if (countRole(raw, role).length === 0) report.add(['hosts'], message, `add the ${role} role to at least one host`);
  }
  const etcd = countRole(raw, 'etcd').length;
  if (raw.track === 'ipv6-ha' && etcd > 0 && etcd % 2 === 0) {
    report.add(['hosts'], `track ipv6-ha needs an odd number of etcd hosts, not ${etcd}`, 'use 3 or 5 etcd members: an even count adds no fault tolerance');
  }
  if (raw.track === 'ipv6-ha' && countRole(raw, 'router').length > 0 && !raw.networks.bgp) {
    report.add(
      ['networks'],
      'track ipv6-ha has routers but networks.bgp is missing',
      'add bgp: { clusterAsn: 65004, holdTimeSeconds: 9, keepaliveSeconds: 3 } under networks',
    );
  }
}

export function checkJumps(hosts: RawHost[], report: Reporter): void {
  const byName = new Map(hosts.map((h) => [h.name, h]));
  hosts.forEach((host, i) => {
    const jump = host.ssh.jump;
    if (jump === undefined) return;
    const path = ['hosts', i, 'ssh', 'jump'];
    if (jump === host.name) return report.add(path, `host ${host.name} cannot jump through itself`, 'name another host of the lab, usually the jumpbox');
    if (!byName.has(jump))
      return report.add(
        path,
        `ssh jump host "${jump}" of ${host.name} is not a host of this lab`,
        `name one of: ${hosts
          .filter((h) => h !== host)
          .map((h) => h.name)
          .join(', ')}`,
      );
    const chain = [host.name];
    for (let next: string | undefined = jump; next !== undefined; next = byName.get(next)?.ssh.jump) {
      if (chain.includes(next)) {
        if (next === host.name)
          report.add(path, `ssh jump hosts form a loop: ${[...chain, next].join(' → ')}`, 'let the chain end at a host reached directly (no ssh.jump)');
        return;
      }
      chain.push(next);
    }
  });
}
