/** The lab drawn as text: the node network with every host, roles and addresses, ranges, and BGP peers. */
import type { Host, Lab } from '../lab/types.js';
import { hostsWithRole, labFamilies } from '../lab/types.js';
import type { Line } from './components/line.js';

const both = (pair: { ipv4?: string; ipv6?: string } | undefined) => [pair?.ipv4, pair?.ipv6].filter(Boolean).join('  ');

export function topologyLines(lab: Lab): Line[] {
  const families = labFamilies(lab);
  const nameWidth = Math.max(...lab.hosts.map((h) => h.name.length), 4);
  const rolesWidth = Math.max(...lab.hosts.map((h) => h.roles.join(', ').length), 5);
  const api = lab.networks.api;
  const lines: Line[] = [
    [
      { text: `lab ${lab.name}`, bold: true },
      { text: ` · track ${lab.track} · ${families.join(' + ')} · domain ${lab.domain}`, dim: true },
    ],
    [
      { text: 'API  ', dim: true },
      { text: `${api.name}:${api.port}` },
      {
        text: api.vip
          ? ` → VIP ${api.vip}`
          : ` → ${hostsWithRole(lab, 'controller')
              .map((h) => h.name)
              .join(', ')}`,
      },
    ],
    '',
    [
      { text: `  node network ${both(lab.networks.nodes)} `, color: 'cyan', bold: true },
      { text: '─'.repeat(24), color: 'cyan' },
    ],
    [{ text: '   │', color: 'cyan' }],
  ];
  lab.hosts.forEach((host, i) => lines.push(hostLine(host, i === lab.hosts.length - 1, nameWidth, rolesWidth)));
  lines.push(
    '',
    [{ text: '  pods      ', dim: true }, { text: both(lab.networks.pods) }],
    [{ text: '  services  ', dim: true }, { text: `${both(lab.networks.services)} · cluster DNS ${lab.networks.clusterDns} · ${lab.networks.clusterDomain}` }],
    [{ text: '  you       ', dim: true }, { text: `${both(lab.networks.hostAddress) || '(not on the lab network)'} (this machine)` }],
  );
  return [...lines, ...bgpLines(lab)];
}

function hostLine(host: Host, last: boolean, nameWidth: number, rolesWidth: number): Line {
  const extra = [host.podCidr ? `pods ${both(host.podCidr)}` : '', host.asn !== undefined ? `AS ${host.asn}` : ''].filter(Boolean).join(' · ');
  return [
    { text: last ? '   └── ' : '   ├── ', color: 'cyan' },
    { text: host.name.padEnd(nameWidth + 2), bold: true },
    { text: host.roles.join(', ').padEnd(rolesWidth + 2), color: 'magenta' },
    { text: both(host.addresses) },
    { text: extra ? `  ${extra}` : '', dim: true },
  ];
}

function bgpLines(lab: Lab): Line[] {
  const bgp = lab.networks.bgp;
  const routers = hostsWithRole(lab, 'router');
  if (!bgp || routers.length === 0) return [];
  const controllers = hostsWithRole(lab, 'controller')
    .map((h) => h.name)
    .join(', ');
  const workers = hostsWithRole(lab, 'worker')
    .map((h) => h.name)
    .join(', ');
  const lines: Line[] = ['', [{ text: `BGP: cluster AS ${bgp.clusterAsn} · hold ${bgp.holdTimeSeconds} s · keepalive ${bgp.keepaliveSeconds} s`, bold: true }]];
  for (const router of routers) {
    const label = `  ${router.name} (AS ${router.asn ?? '?'}) `;
    if (controllers) lines.push([{ text: label, color: 'magenta' }, { text: `⇄ ${controllers}` }, { text: '  kube-vip: the API VIP', dim: true }]);
    if (workers)
      lines.push([
        { text: controllers ? ' '.repeat(label.length) : label, color: 'magenta' },
        { text: `⇄ ${workers}` },
        { text: '  Cilium: pod ranges', dim: true },
      ]);
  }
  return lines;
}
