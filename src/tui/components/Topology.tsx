import type { Lab } from '../../lab/types.js';
import { topologyLines } from '../topology.js';
import { ScrollView } from './ScrollView.js';

export interface TopologyProps {
  lab: Lab;
  height: number;
  scroll: number;
  onScrollMax?: (max: number) => void;
}

/** The lab at a glance: hosts, roles, addresses, networks and, for ipv6-ha, who peers with whom. */
export function Topology({ lab, ...view }: TopologyProps) {
  return <ScrollView lines={topologyLines(lab)} {...view} />;
}
