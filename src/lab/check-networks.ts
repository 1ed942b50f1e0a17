/** The lab-wide ranges: host address, pods, services, cluster DNS, API VIP, BGP timers. */
import { containsAddress, formatAddress, formatCidr, overlaps, type Cidr } from './cidr.js';
import type { RawLab } from './schema.js';
import { address, cidr, FAMILIES, familyOf, present, type Reporter, reservedIn } from './semantic-support.js';
import type { PerFamily } from './types.js';

export function checkHostAddress(raw: RawLab, nodes: PerFamily<Cidr>, report: Reporter): void {
  const given = raw.networks.hostAddress;
  for (const f of FAMILIES) {
    const path = ['networks', 'hostAddress', f];
    const node = nodes[f];
    if (given[f] === undefined) {
      if (node)
        report.add(
          ['networks', 'hostAddress'],
          `host address has no ${f} address, but the node network has ${f}`,
          `add ${f}: with the host's address inside ${formatCidr(node)}`,
        );
      continue;
    }
    const a = address(given[f]);
    if (!node) report.add(path, `host address ${given[f]} is ${f}, but the node network has no ${f} prefix`, `remove it, or add ${f}: to networks.nodes`, true);
    else if (!containsAddress(node, a))
      report.add(path, `host address ${given[f]} is outside the node network ${formatCidr(node)}`, `pick an address inside ${formatCidr(node)}`);
    else {
      const reserved = reservedIn(a, node);
      if (reserved) report.add(path, `host address ${given[f]} is ${reserved}`, 'pick another address of the node network');
    }
  }
}

export function checkClusterRanges(raw: RawLab, nodes: PerFamily<Cidr>, report: Reporter): void {
  const net = raw.networks;
  const ranges = [
    ['pods', 'pod network'],
    ['services', 'service network'],
  ] as const;
  for (const [key, what] of ranges) {
    for (const f of present(net[key])) {
      const range = cidr(net[key][f]!);
      const node = nodes[f];
      if (!node)
        report.add(['networks', key, f], `${what} has ${f}, but the node network has no ${f} prefix`, `remove it, or add ${f}: to networks.nodes`, true);
      else if (overlaps(range, node))
        report.add(['networks', key, f], `${what} ${formatCidr(range)} overlaps the node network ${formatCidr(node)}`, 'choose ranges that share no address');
    }
  }
  for (const f of present(net.pods)) {
    const services = net.services[f];
    if (services !== undefined && overlaps(cidr(net.pods[f]!), cidr(services))) {
      report.add(
        ['networks', 'services', f],
        `service network ${formatCidr(cidr(services))} overlaps the pod network ${formatCidr(cidr(net.pods[f]!))}`,
        'choose ranges that share no address',
      );
    }
  }

  const dns = address(net.clusterDns);
  const dnsFamily = familyOf(dns);
  const services = net.services[dnsFamily];
  if (services === undefined) {
    report.add(
      ['networks', 'clusterDns'],
      `cluster DNS address ${net.clusterDns} is ${dnsFamily}, but the service network has no ${dnsFamily} prefix`,
      `give an address inside networks.services`,
    );
  } else {
    const range = cidr(services);
    if (!containsAddress(range, dns)) {
      report.add(
        ['networks', 'clusterDns'],
        `cluster DNS address ${net.clusterDns} is outside the service network ${formatCidr(range)}`,
        `pick an address inside ${formatCidr(range)}, e.g. ${formatAddress({ family: range.family, value: range.base + 10n })}`,
      );
    } else if (dns.value === range.base || dns.value === range.base + 1n) {
      report.add(
        ['networks', 'clusterDns'],
        dns.value === range.base
          ? `cluster DNS address ${net.clusterDns} is the network address of ${formatCidr(range)}`
          : `cluster DNS address ${net.clusterDns} is taken by the kubernetes API service (the first address of ${formatCidr(range)})`,
        `pick another address inside ${formatCidr(range)}, e.g. ${formatAddress({ family: range.family, value: range.base + 10n })}`,
      );
    }
  }

  if (net.api.vip !== undefined) {
    const vip = address(net.api.vip);
    const node = nodes[familyOf(vip)];
    if (!node)
      report.add(
        ['networks', 'api', 'vip'],
        `API VIP ${net.api.vip} is ${familyOf(vip)}, but the node network has no ${familyOf(vip)} prefix`,
        'give a VIP inside networks.nodes',
      );
    else if (!containsAddress(node, vip))
      report.add(
        ['networks', 'api', 'vip'],
        `API VIP ${net.api.vip} is outside the node network ${formatCidr(node)}`,
        `pick an unused address inside ${formatCidr(node)}`,
      );
    else {
      const reserved = reservedIn(vip, node);
      if (reserved) report.add(['networks', 'api', 'vip'], `API VIP ${net.api.vip} is ${reserved}`, 'pick an unused address of the node network');
      const hostAddress = net.hostAddress[familyOf(vip)];
      if (hostAddress !== undefined && address(hostAddress).value === vip.value) {
        report.add(
          ['networks', 'api', 'vip'],
          `API VIP ${net.api.vip} is the host address (networks.hostAddress)`,
          'pick an unused address of the node network',
        );
      }
    }
  }

  const bgp = net.bgp;
  if (bgp && bgp.keepaliveSeconds >= bgp.holdTimeSeconds) {
    report.add(
      ['networks', 'bgp', 'keepaliveSeconds'],
      `keepaliveSeconds (${bgp.keepaliveSeconds}) must be less than holdTimeSeconds (${bgp.holdTimeSeconds})`,
      'use a keepalive of a third of the hold time, e.g. hold 9, keepalive 3',
    );
  }
}
