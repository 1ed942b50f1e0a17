import { existsSync, writeFileSync } from 'node:fs';
import { EnvironmentError } from '../../src/util/errors.js';
import { labFamilies, type Lab } from '../../src/lab/types.js';
import { parsePrefix, prefixesOverlap } from './cidr.js';
import { BRIDGE, MACHINE_IFACE, UPLINK } from './names.js';
import { run } from './run.js';
import { allRecords, type LabRecord } from './runtime-record.js';
import { processRunning } from './processes.js';
import { guardForwarding, removeForwardGuard } from './forward-guard.js';

function ipBatch(netns: string | undefined, lines: string[]): Promise<unknown> {
  const args = netns ? ['-n', netns, '-batch', '-'] : ['-batch', '-'];
  return run('ip', args, { input: lines.join('\n') + '\n' });
}

/** sysctls of a namespace are set from a process inside it. */
function nsSysctl(netns: string, settings: Record<string, string>): Promise<unknown> {
  const script = Object.entries(settings)
    .map(([key, value]) => `echo ${value} > /proc/sys/${key.replaceAll('.', '/')}`)
    .join(' && ');
  return run('ip', ['netns', 'exec', netns, 'sh', '-c', script]);
}

export function netnsExists(name: string): boolean {
  return existsSync(`/run/netns/${name}`);
}

function withLength(address: string, prefix: string): string {
  return `${address}/${parsePrefix(prefix).length}`;
}

/** The lab's node prefixes (what the host routes into the lab). */
export function labPrefixes(lab: Lab): string[] {
  return labFamilies(lab).map((f) => lab.networks.nodes[f]!);
}

/**
 * Refuses a lab whose node prefixes overlap another running lab's, or a route the host already
 * has (a real network the lab would shadow).
 */
export async function assertNoOverlap(lab: Lab, ownHostVeth: string): Promise<void> {
  const mine = labPrefixes(lab).map(parsePrefix);
  for (const other of allRecords()) {
    if (other.lab === lab.name) continue;
    if (!netnsExists(other.bridgeNetns) && !other.machines.some((m) => m.supervisorPid && processRunning(m.supervisorPid))) continue;
    for (const text of other.prefixes) {
      const theirs = parsePrefix(text);
      const clash = mine.find((p) => prefixesOverlap(p, theirs));
      if (clash) {
        throw new EnvironmentError(`lab ${lab.name}'s network ${clash.text} overlaps ${text} of the running lab ${other.lab}`, {
          where: lab.source,
          fix: `stop the other lab first (kthw lab down --lab ${other.source}) or give this lab other addresses`,
        });
      }
    }
  }
  for (const family of ['-4', '-6']) {
    const { stdout } = await run('ip', ['-j', family, 'route', 'show', 'table', 'main']);
    const routes = JSON.parse(stdout || '[]') as Array<{ dst: string; dev?: string }>;
    for (const route of routes) {
      if (route.dst === 'default' || route.dev === ownHostVeth) continue;
      let theirs;
      try {
        theirs = parsePrefix(route.dst);
      } catch {
        continue;
      }
      if (theirs.family === 6 && theirs.length >= 10 && theirs.base >> 118n === 0x3fan) continue; // fe80::/10 link-local
      const clash = mine.find((p) => prefixesOverlap(p, theirs));
      if (clash) {
        throw new EnvironmentError(`lab ${lab.name}'s network ${clash.text} overlaps the host route ${route.dst} (dev ${route.dev ?? '?'})`, {
          where: lab.source,
          fix: 'give the lab a node network the host does not use already',
        });
      }
    }
  }
}

/** Bridge namespace, one namespace per machine with a veth on the bridge, the host's veth into it. */
export async function createNetwork(lab: Lab, record: LabRecord, log: (m: string) => void): Promise<void> {
  const families = labFamilies(lab);
  await run('ip', ['netns', 'add', record.bridgeNetns]);
  await nsSysctl(record.bridgeNetns, { 'net.ipv6.conf.all.disable_ipv6': '1', 'net.ipv6.conf.default.disable_ipv6': '1' });
  await ipBatch(record.bridgeNetns, ['link set lo up', `link add ${BRIDGE} type bridge`, `link set ${BRIDGE} up`]);

  await Promise.all(
    record.machines.map(async (machine) => {
      const host = lab.hosts.find((h) => h.name === machine.host)!;
      await run('ip', ['netns', 'add', machine.netns]);
      await nsSysctl(machine.netns, { 'net.ipv6.conf.all.accept_dad': '0', 'net.ipv6.conf.default.accept_dad': '0' });
      await ipBatch(record.bridgeNetns, [
        `link add ${machine.bridgePort} type veth peer name ${MACHINE_IFACE} netns ${machine.netns}`,
        `link set ${machine.bridgePort} master ${BRIDGE} up`,
      ]);
      await ipBatch(machine.netns, [
        'link set lo up',
        `link set ${MACHINE_IFACE} up`,
        ...families.map((f) => `addr add ${withLength(host.addresses[f]!, lab.networks.nodes[f]!)} dev ${MACHINE_IFACE} nodad`),
        // as on a VM: kubelet takes the node's address from the interface of the default route
        ...families
          .filter((f) => lab.networks.hostAddress[f] !== undefined)
          .map((f) => `route add ${f === 'ipv4' ? '0.0.0.0/0' : '::/0'} via ${lab.networks.hostAddress[f]!} dev ${MACHINE_IFACE}`),
      ]);
    }),
  );

  await run('ip', ['link', 'add', record.hostVeth, 'type', 'veth', 'peer', 'name', UPLINK, 'netns', record.bridgeNetns]);
  await ipBatch(record.bridgeNetns, [`link set ${UPLINK} master ${BRIDGE} up`]);
  const dad = `/proc/sys/net/ipv6/conf/${record.hostVeth}/accept_dad`;
  if (existsSync(dad)) writeFileSync(dad, '0');
  await ipBatch(undefined, [
    ...families
      .filter((f) => lab.networks.hostAddress[f] !== undefined)
      .map((f) => `addr add ${withLength(lab.networks.hostAddress[f]!, lab.networks.nodes[f]!)} dev ${record.hostVeth} nodad`),
    `link set ${record.hostVeth} up`,
  ]);
  await guardForwarding(record.hostVeth);
  log(`network up: ${labPrefixes(lab).join(', ')} via ${record.hostVeth}`);
}

/** Removes the namespaces and the host veth named in the record; missing ones are fine. */
export async function destroyNetwork(record: LabRecord): Promise<void> {
  await Promise.all(
    [...record.machines.map((m) => m.netns), record.bridgeNetns].map((ns) =>
      netnsExists(ns) ? run('ip', ['netns', 'del', ns], { allowFail: true }) : Promise.resolve(undefined),
    ),
  );
  if (existsSync(`/sys/class/net/${record.hostVeth}`)) await run('ip', ['link', 'del', record.hostVeth], { allowFail: true });
  await removeForwardGuard(record.hostVeth);
}
