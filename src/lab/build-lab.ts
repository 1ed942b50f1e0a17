/** The normalised `Lab` from a lab file that passed every check: canonical addresses, fqdn, defaults. */
import { formatAddress } from './cidr.js';
import type { RawLab } from './schema.js';
import { address, canonicalAddresses, canonicalPrefixes } from './semantic-support.js';
import type { Host, Lab, Networks } from './types.js';

export function buildLab(raw: RawLab, source: string): Lab {
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
