/**
 * Relations between the values of a lab file whose shape is already valid: addresses inside their
 * prefixes, ranges that must not overlap, role counts, names that must be unique, jump hosts that
 * exist. Builds the normalised `Lab` (canonical addresses, fqdn, defaults) when nothing is wrong.
 */
import {
  cidrLast,
  containsAddress,
  containsCidr,
  formatAddress,
  formatCidr,
  overlaps,
  parseAddress,
  parseCidr,
  type Cidr,
  type IpAddress,
} from './cidr.js';
import type { LabProblem } from './lab-error.js';
import { checkComponentName, checkFileName, checkSha256, checkUrlTemplate, checkVersion } from './safe-values.js';
import type { RawLab } from './schema.js';
import type { Family, Host, Lab, Networks, PerFamily, Role } from './types.js';
import { problemAt, type DocPath, type YamlSource } from './yaml-source.js';
import { renderUrlFileName } from './url-template.js';

const FAMILIES: readonly Family[] = ['ipv4', 'ipv6'];
type RawHost = RawLab['hosts'][number];

class Reporter {
  readonly problems: LabProblem[] = [];
  constructor(private readonly yaml: YamlSource) {}

  add(path: DocPath, message: string, fix?: string, atKey = false): void {
    this.problems.push(problemAt(this.yaml, { path, message, fix, atKey }));
  }
}

function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (!parsed.ok) throw new Error(`unchecked prefix ${text}`);
  return parsed.cidr;
}

function address(text: string): IpAddress {
  const parsed = parseAddress(text);
  if (!parsed) throw new Error(`unchecked address ${text}`);
  return parsed;
}

function familyOf(a: IpAddress): Family {
  return a.family === 4 ? 'ipv4' : 'ipv6';
}

function present<T>(value: PerFamily<T>): Family[] {
  return FAMILIES.filter((f) => value[f] !== undefined);
}

function canonicalPrefixes(value: PerFamily<string>): PerFamily<string> {
  const out: PerFamily<string> = {};
  for (const f of present(value)) out[f] = formatCidr(cidr(value[f]!));
  return out;
}

function canonicalAddresses(value: PerFamily<string>): PerFamily<string> {
  const out: PerFamily<string> = {};
  for (const f of present(value)) out[f] = formatAddress(address(value[f]!));
  return out;
}

/** Why `a` cannot be a host's address in `net`, if it is the prefix's own network or broadcast address. */
function reservedIn(a: IpAddress, net: Cidr): string | undefined {
  const pointToPoint = net.length >= (net.family === 4 ? 31 : 127);
  if (pointToPoint) return undefined;
  if (a.value === net.base) return `the network address of ${formatCidr(net)}`;
  if (net.family === 4 && a.value === cidrLast(net)) return `the broadcast address of ${formatCidr(net)}`;
  return undefined;
}

export function checkSemantics(raw: RawLab, yaml: YamlSource): { lab?: Lab; problems: LabProblem[] } {
  const report = new Reporter(yaml);
  const net = raw.networks;
  const nodeFamilies = present(net.nodes);
  const nodes: PerFamily<Cidr> = {};
  for (const f of nodeFamilies) nodes[f] = cidr(net.nodes[f]!);

  if (raw.track === 'ipv6-ha' && !nodes.ipv6) {
    report.add(['networks', 'nodes'], 'track ipv6-ha needs an IPv6 node network', 'add ipv6: to networks.nodes, e.g. "fd00:4::/64"');
  }

  checkHostAddress(raw, nodes, report);
  checkClusterRanges(raw, nodes, report);
  checkHosts(raw, nodes, report);
  checkRoles(raw, report);
  checkJumps(raw.hosts, report);
  checkVersions(raw, report);

  if (report.problems.length > 0) return { problems: report.problems };
  return { lab: buildLab(raw, yaml.source), problems: [] };
}

function checkHostAddress(raw: RawLab, nodes: PerFamily<Cidr>, report: Reporter): void {
  const given = raw.networks.hostAddress;
  for (const f of FAMILIES) {
    const path = ['networks', 'hostAddress', f];
    const node = nodes[f];
    if (given[f] === undefined) {
      if (node) report.add(['networks', 'hostAddress'], `host address has no ${f} address, but the node network has ${f}`, `add ${f}: with the host's address inside ${formatCidr(node)}`);
      continue;
    }
    const a = address(given[f]);
    if (!node) report.add(path, `host address ${given[f]} is ${f}, but the node network has no ${f} prefix`, `remove it, or add ${f}: to networks.nodes`, true);
    else if (!containsAddress(node, a)) report.add(path, `host address ${given[f]} is outside the node network ${formatCidr(node)}`, `pick an address inside ${formatCidr(node)}`);
    else {
      const reserved = reservedIn(a, node);
      if (reserved) report.add(path, `host address ${given[f]} is ${reserved}`, 'pick another address of the node network');
    }
  }
}

function checkClusterRanges(raw: RawLab, nodes: PerFamily<Cidr>, report: Reporter): void {
  const net = raw.networks;
  const ranges = [
    ['pods', 'pod network'],
    ['services', 'service network'],
  ] as const;
  for (const [key, what] of ranges) {
    for (const f of present(net[key])) {
      const range = cidr(net[key][f]!);
      const node = nodes[f];
      if (!node) report.add(['networks', key, f], `${what} has ${f}, but the node network has no ${f} prefix`, `remove it, or add ${f}: to networks.nodes`, true);
      else if (overlaps(range, node)) report.add(['networks', key, f], `${what} ${formatCidr(range)} overlaps the node network ${formatCidr(node)}`, 'choose ranges that share no address');
    }
  }
  for (const f of present(net.pods)) {
    const services = net.services[f];
    if (services !== undefined && overlaps(cidr(net.pods[f]!), cidr(services))) {
      report.add(['networks', 'services', f], `service network ${formatCidr(cidr(services))} overlaps the pod network ${formatCidr(cidr(net.pods[f]!))}`, 'choose ranges that share no address');
    }
  }

  const dns = address(net.clusterDns);
  const dnsFamily = familyOf(dns);
  const services = net.services[dnsFamily];
  if (services === undefined) {
    report.add(['networks', 'clusterDns'], `cluster DNS address ${net.clusterDns} is ${dnsFamily}, but the service network has no ${dnsFamily} prefix`, `give an address inside networks.services`);
  } else {
    const range = cidr(services);
    if (!containsAddress(range, dns)) {
      report.add(['networks', 'clusterDns'], `cluster DNS address ${net.clusterDns} is outside the service network ${formatCidr(range)}`, `pick an address inside ${formatCidr(range)}, e.g. ${formatAddress({ family: range.family, value: range.base + 10n })}`);
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
    if (!node) report.add(['networks', 'api', 'vip'], `API VIP ${net.api.vip} is ${familyOf(vip)}, but the node network has no ${familyOf(vip)} prefix`, 'give a VIP inside networks.nodes');
    else if (!containsAddress(node, vip)) report.add(['networks', 'api', 'vip'], `API VIP ${net.api.vip} is outside the node network ${formatCidr(node)}`, `pick an unused address inside ${formatCidr(node)}`);
    else {
      const reserved = reservedIn(vip, node);
      if (reserved) report.add(['networks', 'api', 'vip'], `API VIP ${net.api.vip} is ${reserved}`, 'pick an unused address of the node network');
      const hostAddress = net.hostAddress[familyOf(vip)];
      if (hostAddress !== undefined && address(hostAddress).value === vip.value) {
        report.add(['networks', 'api', 'vip'], `API VIP ${net.api.vip} is the host address (networks.hostAddress)`, 'pick an unused address of the node network');
      }
    }
  }

  const bgp = net.bgp;
  if (bgp && bgp.keepaliveSeconds >= bgp.holdTimeSeconds) {
    report.add(['networks', 'bgp', 'keepaliveSeconds'], `keepaliveSeconds (${bgp.keepaliveSeconds}) must be less than holdTimeSeconds (${bgp.holdTimeSeconds})`, 'use a keepalive of a third of the hold time, e.g. hold 9, keepalive 3');
  }
}

function checkHosts(raw: RawLab, nodes: PerFamily<Cidr>, report: Reporter): void {
  const net = raw.networks;
  const names = new Map<string, number>();
  const used = new Map<string, string>(); // canonical address -> host name
  const vip = net.api.vip === undefined ? undefined : address(net.api.vip);
  const podRanges: Array<{ host: string; range: Cidr }> = [];

  raw.hosts.forEach((host, i) => {
    const at = (...rest: Array<string | number>) => ['hosts', i, ...rest];
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
        if (node) report.add(at('addresses'), `host ${host.name} has no ${f} address, but the node network has ${f}`, `add ${f}: with an address inside ${formatCidr(node)}`);
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
        report.add(path, `host ${host.name}: address ${given} is the lab host's own address (networks.hostAddress)`, 'pick another address of the node network');
      } else if (vip && vip.family === a.family && vip.value === a.value) {
        report.add(path, `host ${host.name}: address ${given} is the API VIP`, 'the VIP floats between controllers: give the host its own address');
      } else if (used.has(canonical)) {
        report.add(path, `host ${host.name}: address ${given} is already used by host ${used.get(canonical)}`, 'give every host its own address');
      } else used.set(canonical, host.name);
    }

    const isWorker = host.roles.includes('worker');
    if (!isWorker && host.podCidr) {
      report.add(at('podCidr'), `host ${host.name} has a podCidr but is not a worker`, 'remove podCidr, or add the worker role', true);
    }
    if (isWorker && !host.podCidr) {
      report.add(at(), `worker ${host.name} has no podCidr`, 'give it a pod range inside networks.pods, e.g. podCidr: { ipv4: 10.200.0.0/24 }');
    }
    if (isWorker && host.podCidr) {
      for (const f of FAMILIES) {
        const given = host.podCidr[f];
        const pods = net.pods[f];
        if (given === undefined) {
          if (pods !== undefined) report.add(at('podCidr'), `worker ${host.name} has no ${f} pod CIDR, but networks.pods has ${f}`, `add ${f}: with a range inside ${pods}`);
          continue;
        }
        const range = cidr(given);
        const path = at('podCidr', f);
        if (pods === undefined) {
          report.add(path, `worker ${host.name} has an ${f} pod CIDR, but networks.pods has no ${f} range`, `remove it, or add ${f}: to networks.pods`, true);
          continue;
        }
        if (!containsCidr(cidr(pods), range)) {
          report.add(path, `pod CIDR ${given} of ${host.name} is outside the pod network ${formatCidr(cidr(pods))}`, `pick a range inside ${formatCidr(cidr(pods))}`);
          continue;
        }
        const clash = podRanges.find((other) => overlaps(other.range, range));
        if (clash) report.add(path, `pod CIDR ${given} of ${host.name} overlaps ${clash.host}'s ${formatCidr(clash.range)}`, 'give each worker its own range');
        else podRanges.push({ host: host.name, range });
      }
    }
    const isRouter = host.roles.includes('router');
    if (isRouter && host.asn === undefined) report.add(at(), `router ${host.name} has no asn`, 'give it its BGP AS number, e.g. asn: 65069');
    if (!isRouter && host.asn !== undefined) report.add(at('asn'), `host ${host.name} has an asn but is not a router`, 'remove asn, or add the router role', true);
  });
}

function countRole(raw: RawLab, role: Role): RawHost[] {
  return raw.hosts.filter((h) => h.roles.includes(role));
}

function checkRoles(raw: RawLab, report: Reporter): void {
  const jumpboxes = countRole(raw, 'jumpbox');
  if (jumpboxes.length === 0) report.add(['hosts'], 'no host has the jumpbox role', 'add the jumpbox role to exactly one host (the machine you work from)');
  for (const extra of jumpboxes.slice(1)) {
    report.add(['hosts', raw.hosts.indexOf(extra), 'roles'], `host ${extra.name} is a second jumpbox (${jumpboxes[0]!.name} is one already)`, 'keep the jumpbox role on exactly one host');
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
    report.add(['networks'], 'track ipv6-ha has routers but networks.bgp is missing', 'add bgp: { clusterAsn: 65004, holdTimeSeconds: 9, keepaliveSeconds: 3 } under networks');
  }
}

function checkJumps(hosts: RawHost[], report: Reporter): void {
  const byName = new Map(hosts.map((h) => [h.name, h]));
  hosts.forEach((host, i) => {
    const jump = host.ssh.jump;
    if (jump === undefined) return;
    const path = ['hosts', i, 'ssh', 'jump'];
    if (jump === host.name) return report.add(path, `host ${host.name} cannot jump through itself`, 'name another host of the lab, usually the jumpbox');
    if (!byName.has(jump)) return report.add(path, `ssh jump host "${jump}" of ${host.name} is not a host of this lab`, `name one of: ${hosts.filter((h) => h !== host).map((h) => h.name).join(', ')}`);
    const chain = [host.name];
    for (let next: string | undefined = jump; next !== undefined; next = byName.get(next)?.ssh.jump) {
      if (chain.includes(next)) {
        if (next === host.name) report.add(path, `ssh jump hosts form a loop: ${[...chain, next].join(' → ')}`, 'let the chain end at a host reached directly (no ssh.jump)');
        return;
      }
      chain.push(next);
    }
  });
}

function checkVersions(raw: RawLab, report: Reporter): void {
  for (const [name, component] of Object.entries(raw.versions)) {
    const at = (...rest: Array<string | number>) => ['versions', name, ...rest];
    const nameComplaint = checkComponentName(name);
    if (nameComplaint) report.add(at(), nameComplaint.message, nameComplaint.fix, true);
    const versionComplaint = checkVersion(component.version, name);
    if (versionComplaint) {
      report.add(at('version'), versionComplaint.message, versionComplaint.fix);
      continue;
    }
    const fileNames = new Set<string>();
    component.urls.forEach((url, u) => {
      const complaint = checkUrlTemplate(url, name);
      if (complaint) report.add(at('urls', u), complaint.message, complaint.fix);
      else fileNames.add(renderUrlFileName(url, component.version, raw.arch));
    });
    if (component.source === 'download' && component.urls.length === 0) {
      report.add(at(), `component ${name} is downloaded but lists no urls`, 'add urls:, or set source: image when the machine image ships it', true);
    }
    for (const [file, sum] of Object.entries(component.sha256)) {
      const fileComplaint = checkFileName(file, name);
      if (fileComplaint) {
        report.add(at('sha256', file), fileComplaint.message, fileComplaint.fix, true);
        continue;
      }
      const sumComplaint = checkSha256(sum, file);
      if (sumComplaint) report.add(at('sha256', file), sumComplaint.message, sumComplaint.fix);
      else if (fileNames.size > 0 && !fileNames.has(file)) {
        report.add(at('sha256', file), `sha256 entry ${file} of ${name} matches none of its URLs' files (${[...fileNames].join(', ')})`, 'key each checksum by the file name its URL downloads', true);
      }
    }
  }
}

function buildLab(raw: RawLab, source: string): Lab {
  const hosts: Host[] = raw.hosts.map((h) => ({
    name: h.name,
    fqdn: `${h.name}.${raw.domain}`,
    roles: [...h.roles],
    addresses: canonicalAddresses(h.addresses),
    ssh: {
      user: h.ssh.user,
      port: h.ssh.port,
      ...(h.ssh.identity !== undefined ? { identity: h.ssh.identity } : {}),
      ...(h.ssh.jump !== undefined ? { jump: h.ssh.jump } : {}),
    },
    ...(h.podCidr ? { podCidr: canonicalPrefixes(h.podCidr) } : {}),
    ...(h.asn !== undefined ? { asn: h.asn } : {}),
  }));
  const n = raw.networks;
  const networks: Networks = {
    nodes: canonicalPrefixes(n.nodes),
    hostAddress: canonicalAddresses(n.hostAddress),
    pods: canonicalPrefixes(n.pods),
    services: canonicalPrefixes(n.services),
    clusterDns: formatAddress(address(n.clusterDns)),
    clusterDomain: n.clusterDomain,
    api: { name: n.api.name, port: n.api.port, ...(n.api.vip !== undefined ? { vip: formatAddress(address(n.api.vip)) } : {}) },
    ...(n.bgp ? { bgp: { ...n.bgp } } : {}),
  };
  const versions: Lab['versions'] = {};
  for (const [name, c] of Object.entries(raw.versions)) {
    versions[name] = { version: c.version, urls: [...c.urls], sha256: { ...c.sha256 }, source: c.source };
  }
  return { name: raw.name, track: raw.track, domain: raw.domain, arch: raw.arch, hosts, networks, versions, source };
}
