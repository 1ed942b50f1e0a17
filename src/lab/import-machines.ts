/**
 * Upstream's `machines.txt` (one `IP FQDN HOST [SUBNET]` line per machine; SUBNET, the pod range,
 * only on workers) as the text of a `classic` kthw lab file. Upstream does not list the jumpbox:
 * the lab gets one at the first free address of the node /24.
 */
import { readFileSync } from 'node:fs';
import { parseDocument, stringify } from 'yaml';
import { UsageError } from '../util/errors.js';
import { containsAddress, formatAddress, formatCidr, nthAddress, overlaps, parseAddress, parseCidr, type Cidr, type IpAddress } from './cidr.js';
import { LabError, type LabProblem } from './lab-error.js';
import { builtinLabPath, parseLab } from './load.js';
import { checkLabel, checkSubdomain } from './safe-values.js';

interface Machine {
  line: number;
  address: IpAddress;
  host: string;
  domain: string;
  subnet?: Cidr;
  /** Columns of the IP and SUBNET fields, for errors about them. */
  ipColumn: number;
  hostColumn: number;
  subnetColumn: number;
}

const SERVICES = '10.32.0.0/24';
const CLUSTER_DNS = '10.32.0.10';
const FIELDS_FIX = 'write each machine as: IP FQDN HOST [SUBNET], e.g. 10.240.0.20 node-0.kubernetes.local node-0 10.200.0.0/24';

export function importMachinesTxt(text: string, source: string): string {
  const problems: LabProblem[] = [];
  const problem = (line: number, column: number, message: string, fix?: string) =>
    problems.push({ source, line, column, path: '', message, ...(fix ? { fix } : {}) });

  const machines: Machine[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const content = raw.replace(/#.*$/, '');
    if (content.trim() === '') return;
    const fields = [...content.matchAll(/\S+/g)].map((m) => ({ text: m[0], column: m.index + 1 }));
    if (fields.length < 3 || fields.length > 4) {
      return problem(
        line,
        fields[0]!.column,
        `line has ${fields.length} field${fields.length === 1 ? '' : 's'}; expected IP FQDN HOST and, for workers, SUBNET`,
        FIELDS_FIX,
      );
    }
    const [ip, fqdn, host, subnet] = fields as [(typeof fields)[0], (typeof fields)[0], (typeof fields)[0], (typeof fields)[0] | undefined];
    const before = problems.length;
    const address = parseAddress(ip.text);
    if (!address || address.family !== 4) {
      problem(
        line,
        ip.column,
        `${JSON.stringify(ip.text)} is not an IPv4 address`,
        address ? 'machines.txt is IPv4 as upstream; for IPv6 start from lab/ipv6-ha.yaml' : "write the machine's IPv4 address, e.g. 10.240.0.20",
      );
    }
    const hostComplaint = checkLabel(host.text, 'host name');
    if (hostComplaint) problem(line, host.column, hostComplaint.message, hostComplaint.fix);
    else if (host.text === 'jumpbox')
      problem(
        line,
        host.column,
        'machines.txt lists a host named jumpbox; upstream leaves the jumpbox out and kthw adds it',
        'remove the jumpbox line or rename that machine',
      );
    let domain = '';
    if (!fqdn.text.startsWith(`${host.text}.`)) {
      problem(
        line,
        fqdn.column,
        `FQDN ${JSON.stringify(fqdn.text)} does not start with the host name ${JSON.stringify(host.text)} and a dot`,
        `write it as ${host.text}.kubernetes.local`,
      );
    } else {
      domain = fqdn.text.slice(host.text.length + 1);
      const domainComplaint = checkSubdomain(domain, 'domain');
      if (domainComplaint) problem(line, fqdn.column + host.text.length + 1, domainComplaint.message, domainComplaint.fix);
    }
    let subnetCidr: Cidr | undefined;
    if (subnet) {
      const parsed = parseCidr(subnet.text);
      if (!parsed.ok)
        problem(line, subnet.column, `pod subnet ${JSON.stringify(subnet.text)} ${parsed.reason}`, 'write it as ADDRESS/LENGTH, e.g. 10.200.0.0/24');
      else if (parsed.cidr.family !== 4) problem(line, subnet.column, `pod subnet ${subnet.text} is not IPv4`, 'machines.txt is IPv4 as upstream');
      else subnetCidr = parsed.cidr;
    }
    if (problems.length === before && address) {
      machines.push({
        line,
        address,
        host: host.text,
        domain,
        ipColumn: ip.column,
        hostColumn: host.column,
        subnetColumn: subnet?.column ?? 0,
        ...(subnetCidr ? { subnet: subnetCidr } : {}),
      });
    }
  });

  if (problems.length === 0) checkTogether(machines, problem, source);
  if (problems.length > 0) throw new LabError(problems);
  const yaml = labYaml(machines);
  try {
    parseLab(yaml, `${source} (imported)`);
  } catch (error) {
    const detail = error instanceof LabError ? error.problems.map((p) => p.message).join('; ') : String(error);
    throw new UsageError(`the machines in ${source} do not make a valid lab: ${detail}`, {
      where: source,
      fix: 'fix the machine list, or write the lab file by hand from lab/classic.yaml',
      cause: error,
    });
  }
  return yaml;
}

type Report = (line: number, column: number, message: string, fix?: string) => void;

function checkTogether(machines: Machine[], problem: Report, source: string): void {
  if (machines.length === 0) {
    problem(1, 1, `${source} lists no machines`, FIELDS_FIX);
    return;
  }
  const first = machines[0]!;
  const nodes = slash24(first.address);
  const seenHosts = new Map<string, number>();
  const seenAddresses = new Map<bigint, number>();
  for (const m of machines) {
    if (m.domain !== first.domain)
      problem(m.line, m.ipColumn, `domain ${m.domain} differs from line ${first.line}'s ${first.domain}`, 'use one domain for every machine');
    if (!containsAddress(nodes, m.address)) {
      problem(
        m.line,
        m.ipColumn,
        `${formatAddress(m.address)} is not in ${formatCidr(nodes)}, the /24 of line ${first.line}'s address`,
        'put every machine on one /24 network',
      );
    } else if (m.address.value === nodes.base || m.address.value === nodes.base + 255n) {
      problem(
        m.line,
        m.ipColumn,
        `${formatAddress(m.address)} is the ${m.address.value === nodes.base ? 'network' : 'broadcast'} address of ${formatCidr(nodes)}`,
        'give the machine a host address',
      );
    }
    const hostLine = seenHosts.get(m.host);
    if (hostLine !== undefined) problem(m.line, m.hostColumn, `host ${m.host} is already listed on line ${hostLine}`, 'list each machine once');
    else seenHosts.set(m.host, m.line);
    const addressLine = seenAddresses.get(m.address.value);
    if (addressLine !== undefined)
      problem(m.line, m.ipColumn, `address ${formatAddress(m.address)} is already used on line ${addressLine}`, 'give every machine its own address');
    else seenAddresses.set(m.address.value, m.line);
  }
  const workers = machines.filter((m) => m.subnet);
  if (!machines.some((m) => !m.subnet))
    problem(first.line, 1, 'no server: every line has a pod SUBNET, so none is the control plane', "leave SUBNET off the server's line");
  if (workers.length === 0) problem(first.line, 1, 'no worker: no line has a pod SUBNET', "end each worker's line with its pod range, e.g. 10.200.0.0/24");
  const services = (parseCidr(SERVICES) as { ok: true; cidr: Cidr }).cidr;
  workers.forEach((w, i) => {
    const clash = workers.slice(0, i).find((other) => overlaps(other.subnet!, w.subnet!));
    if (clash)
      problem(
        w.line,
        w.subnetColumn,
        `pod subnet ${formatCidr(w.subnet!)} of ${w.host} overlaps ${clash.host}'s ${formatCidr(clash.subnet!)} (line ${clash.line})`,
        'give each worker its own range',
      );
    else if (overlaps(w.subnet!, nodes))
      problem(
        w.line,
        w.subnetColumn,
        `pod subnet ${formatCidr(w.subnet!)} of ${w.host} overlaps the node network ${formatCidr(nodes)}`,
        "pick pod ranges outside the machines' network",
      );
    else if (overlaps(w.subnet!, services))
      problem(
        w.line,
        w.subnetColumn,
        `pod subnet ${formatCidr(w.subnet!)} of ${w.host} overlaps the service network ${SERVICES}`,
        'pick pod ranges outside 10.32.0.0/24',
      );
  });
  if (firstFree(nodes, machines, 2) === undefined)
    problem(first.line, 1, `${formatCidr(nodes)} has no free address left for the jumpbox and the lab host`, 'free two addresses of the network');
}

function slash24(a: IpAddress): Cidr {
  return { family: 4, base: a.value & ~0xffn, length: 24 };
}

/** The first `count` host addresses of `net` that no machine uses. */
function firstFree(net: Cidr, machines: Machine[], count: number): IpAddress[] | undefined {
  const used = new Set(machines.map((m) => m.address.value));
  const free: IpAddress[] = [];
  for (let n = 1; n < 255 && free.length < count; n++) {
    const candidate = nthAddress(net, n)!;
    if (!used.has(candidate.value)) free.push(candidate);
  }
  return free.length === count ? free : undefined;
}

/** The cluster pod range: the /16 holding every worker's subnet (upstream's 10.200.0.0/16), else the smallest common prefix. */
function podRange(workers: Machine[], nodes: Cidr, services: Cidr): Cidr {
  const subnets = workers.map((w) => w.subnet!);
  let length = Math.min(...subnets.map((s) => s.length));
  const fits = (len: number) => {
    const mask = ((1n << BigInt(len)) - 1n) << BigInt(32 - len);
    const base = subnets[0]!.base & mask;
    return subnets.every((s) => (s.base & mask) === base) ? { family: 4 as const, base, length: len } : undefined;
  };
  while (!fits(length)) length--;
  const common = fits(length)!;
  const wide = fits(Math.min(length, 16))!;
  return overlaps(wide, nodes) || overlaps(wide, services) ? common : wide;
}

function labYaml(machines: Machine[]): string {
  const domain = machines[0]!.domain;
  const nodes = slash24(machines[0]!.address);
  const services = (parseCidr(SERVICES) as { ok: true; cidr: Cidr }).cidr;
  const [jumpbox, hostAddress] = firstFree(nodes, machines, 2)!;
  const servers = machines.filter((m) => !m.subnet);
  const workers = machines.filter((m) => m.subnet);
  const lines = [
    "# Imported from upstream's machines.txt by `kthw lab import`.",
    '# machines.txt does not list the jumpbox: kthw placed it at the first free address below;',
    "# change it to your jumpbox's real address (and hostAddress is only used by the local lab).",
    'name: imported',
    'track: classic',
    `domain: ${domain}`,
    'arch: amd64',
    '',
    'networks:',
    `  nodes: { ipv4: ${formatCidr(nodes)} }`,
    `  hostAddress: { ipv4: ${formatAddress(hostAddress!)} }`,
    `  pods: { ipv4: ${formatCidr(podRange(workers, nodes, services))} }`,
    `  services: { ipv4: ${SERVICES} }`,
    `  clusterDns: ${CLUSTER_DNS}`,
    '  clusterDomain: cluster.local',
    `  api: { name: ${servers[0]!.host}.${domain}, port: 6443 }`,
    '',
    'hosts:',
    '  - name: jumpbox',
    '    roles: [jumpbox]',
    `    addresses: { ipv4: ${formatAddress(jumpbox!)} }`,
  ];
  for (const m of machines) {
    lines.push(`  - name: ${m.host}`);
    lines.push(m.subnet ? '    roles: [worker]' : '    roles: [controller, etcd]');
    lines.push(`    addresses: { ipv4: ${formatAddress(m.address)} }`);
    if (m.subnet) lines.push(`    podCidr: { ipv4: ${formatCidr(m.subnet)} }`);
  }
  lines.push('', "# Upstream's component versions and download URLs, as in kthw's classic lab.");
  return `${lines.join('\n')}\n${stringify({ versions: classicVersions() })}`;
}

function classicVersions(): unknown {
  const doc = parseDocument(readFileSync(builtinLabPath('classic'), 'utf8'));
  return (doc.toJS() as { versions?: unknown }).versions;
}
