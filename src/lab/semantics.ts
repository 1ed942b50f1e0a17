/**
 * Relations between the values of a lab file whose shape is already valid: addresses inside their
 * prefixes, ranges that must not overlap, role counts, names that must be unique, jump hosts that
 * exist. Builds the normalised `Lab` (canonical addresses, fqdn, defaults) when nothing is wrong.
 */
import { buildLab } from './build-lab.js';
import type { Cidr } from './cidr.js';
import { checkClusterLimits, checkNodeNetworks } from './check-cluster.js';
import { checkHosts, checkJumps, checkRoles } from './check-hosts.js';
import { checkClusterRanges, checkHostAddress } from './check-networks.js';
import { checkVersions } from './check-versions.js';
import type { LabProblem } from './lab-error.js';
import type { RawLab } from './schema.js';
import { cidr, present, Reporter } from './semantic-support.js';
import type { Lab, PerFamily } from './types.js';
import type { YamlSource } from './yaml-source.js';

export function checkSemantics(raw: RawLab, yaml: YamlSource): { lab?: Lab; problems: LabProblem[] } {
  const report = new Reporter(yaml);
  const net = raw.networks;
  const nodeFamilies = present(net.nodes);
  const nodes: PerFamily<Cidr> = {};
  for (const f of nodeFamilies) nodes[f] = cidr(net.nodes[f]!);

  if (raw.track === 'ipv6-ha' && !nodes.ipv6) {
    report.add(['networks', 'nodes'], 'track ipv6-ha needs an IPv6 node network', 'add ipv6: to networks.nodes, e.g. "fd00:4::/64"');
  }

  checkNodeNetworks(nodes, report);
  checkHostAddress(raw, nodes, report);
  checkClusterRanges(raw, nodes, report);
  checkHosts(raw, nodes, report);
  checkRoles(raw, report);
  checkJumps(raw.hosts, report);
  checkVersions(raw, report);
  checkClusterLimits(raw, report);

  if (report.problems.length > 0) return { problems: report.problems };
  return { lab: buildLab(raw, yaml.source), problems: [] };
}
