import { UsageError } from '../../src/util/errors.js';
import { labFamilies, type Lab } from '../../src/lab/types.js';
import { parsePrefix, prefixesOverlap } from './cidr.js';

const LABEL = /^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/;

/**
 * What the local lab itself relies on, checked before anything is created (the lab loader checks
 * the file's full shape; these are the facts that name kernel objects and set addresses).
 */
export function assertBootable(lab: Lab): void {
  const fail = (message: string, fix: string): never => {
    throw new UsageError(message, { where: lab.source, fix });
  };
  if (!LABEL.test(lab.name)) fail(`lab name ${JSON.stringify(lab.name)} cannot name a local lab`, 'use up to 32 lowercase letters, digits and dashes');
  if (lab.hosts.length === 0) fail(`lab ${lab.name} has no hosts`, 'list at least one host under hosts:');
  const families = labFamilies(lab);
  if (families.length === 0) fail(`lab ${lab.name} has no node network`, 'set networks.nodes.ipv4 and/or networks.nodes.ipv6');
  const seen = new Map<string, string>();
  for (const family of families) {
    const net = parsePrefix(lab.networks.nodes[family]!);
    const hostAddress = lab.networks.hostAddress[family];
    if (hostAddress === undefined) fail(`lab ${lab.name} has no networks.hostAddress.${family}`, `give the host an address in ${net.text}`);
    for (const [who, address] of [['hostAddress', hostAddress!] as const, ...lab.hosts.map((h) => [h.name, h.addresses[family]] as const)]) {
      if (address === undefined) fail(`host ${who} has no ${family} address`, `every host needs an address in ${net.text}`);
      let parsed;
      try {
        parsed = parsePrefix(address!);
      } catch {
        return fail(`host ${who}: ${JSON.stringify(address)} is not an ${family} address`, `use an address inside ${net.text}`);
      }
      if (!prefixesOverlap(parsed, net) || parsed.length !== (family === 'ipv4' ? 32 : 128))
        fail(`host ${who}: ${address} is not inside the node network ${net.text}`, `use an address inside ${net.text}`);
      const key = `${family}:${parsed.base}`;
      if (seen.has(key)) fail(`hosts ${seen.get(key)} and ${who} share the address ${address}`, 'give every host its own address');
      seen.set(key, who);
    }
  }
  const names = new Set<string>();
  for (const host of lab.hosts) {
    if (!LABEL.test(host.name)) fail(`host name ${JSON.stringify(host.name)} cannot name a lab machine`, 'use up to 32 lowercase letters, digits and dashes');
    if (names.has(host.name)) fail(`host ${host.name} appears twice`, 'give every host its own name');
    names.add(host.name);
    if (host.ssh.user !== 'root' || host.ssh.port !== 22) {
      fail(
        `host ${host.name}: the local lab logs in as root on port 22, not ${host.ssh.user} on ${host.ssh.port}`,
        'drop the ssh: settings of this host for the local lab (they are for labs on real machines)',
      );
    }
  }
}
