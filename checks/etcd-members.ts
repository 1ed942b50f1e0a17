import { shq } from '../src/ssh/shell-quote.js';
import { etcdFailureReason, etcdctlArgs, readEtcdTls, readEtcdUrl } from './etcd-tls.js';
import { errorText, factOf, gatherScript, parseFacts, type Fact } from './facts.js';
import { curlCertPath } from './http-params.js';
import { ParamReader } from './params.js';
import type { CheckPrimitive } from './types.js';
import { fail, verdictFrom } from './verdict.js';
import { etcdMembersTasks } from './etcd-ansible.js';
import type { EtcdMembersParams } from './etcd-members-params.js';
export type { EtcdMembersParams } from './etcd-members-params.js';

interface MemberRow {
  id: string;
  status: string;
  name: string;
  peerUrls: string[];
}

function normalUrl(url: string): string {
  try {
    return new URL(url).href.replace(/\/$/, '');
  } catch {
    return url;
  }
}

/** `etcdctl member list -w simple`: `id, started, name, peer1,peer2, client1, isLearner`. */
export function parseMemberList(output: string): MemberRow[] {
  return output
    .split('\n')
    .map((line) => line.split(', '))
    .filter((cols) => cols.length >= 5 && /^[0-9a-f]+$/.test(cols[0]!))
    .map(([id, status, name, peers]) => ({ id: id!, status: status!, name: name!, peerUrls: peers!.split(',').filter(Boolean).map(normalUrl) }));
}

/**
 * `etcdctl endpoint status -w table`, read by its header: etcd 3.6 added columns (storage version,
 * size in use, quota, downgrade) in the middle of the row, so fixed positions would misread it.
 */
export function leadersIn(output: string): Array<{ endpoint: string; id: string }> {
  const rows = output
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  const header = rows.find((cells) => cells.includes('IS LEADER'));
  if (!header) return [];
  const [endpointAt, idAt, leaderAt] = ['ENDPOINT', 'ID', 'IS LEADER'].map((name) => header.indexOf(name));
  return rows
    .filter((cells) => cells !== header && cells[leaderAt!] === 'true')
    .map((cells) => ({ endpoint: cells[endpointAt!] ?? '', id: cells[idAt!] ?? '' }));
}

export const etcdMembersCheck: CheckPrimitive<EtcdMembersParams> = {
  kind: 'etcd-members',

  parse(params) {
    const read = new ParamReader('etcd-members', params);
    const endpoints = read.optStrings('endpoints') ?? read.fail('endpoints', 'a list of client URLs');
    return {
      endpoints: endpoints.map((url) => readEtcdUrl(read, 'endpoints', url)),
      members: read.list('members', (m) => ({
        name: m.string('name'),
        peerUrls: (m.optStrings('peerUrls') ?? m.fail('peerUrls', 'a list of peer URLs')).map((url) => normalUrl(readEtcdUrl(m, 'peerUrls', url))),
      })),
      ...readEtcdTls(read),
    };
  },

  gather(p) {
    const etcdctl = etcdctlArgs(p.endpoints, p).map(shq).join(' ');
    // etcdctl hides TLS and connection errors behind "context deadline exceeded"; curl with the
    // same client credentials names them.
    const probe = ['curl', '-sS', '--max-time', '2', '-o', '/dev/null'];
    if (p.cacert !== undefined) probe.push('--cacert', p.cacert);
    if (p.cert !== undefined) probe.push('--cert', curlCertPath(p.cert));
    if (p.key !== undefined) probe.push('--key', p.key);
    probe.push('--url', `${p.endpoints[0]!.replace(/\/$/, '')}/health`);
    // `endpoint status` asks the endpoints one after another, each up to the command timeout: it
    // runs only once the member list answered.
    return gatherScript([
      'rm -f "$kthw_dir/status"',
      `kthw_fact probe ${probe.map(shq).join(' ')} >"$kthw_dir/probe" &`,
      `kthw_fact members ${etcdctl} member list -w simple >"$kthw_dir/members"`,
      `if [ -s "$kthw_dir/members.o" ]; then kthw_fact status ${etcdctl} endpoint status -w table >"$kthw_dir/status"; fi`,
      'wait',
      'cat "$kthw_dir/members" "$kthw_dir/probe"',
      'cat "$kthw_dir/status" 2>/dev/null',
    ]);
  },

  judge(p, text) {
    const facts = parseFacts(text);
    const where = `etcd ${p.endpoints.join(', ')}`;
    const list = factOf(facts, 'members');
    if (list.code !== 0) {
      const probe = facts.get('probe');
      const reason = probeReason(probe, p.cert !== undefined) ?? etcdFailureReason(`${list.stdout}\n${list.stderr}`);
      return fail('unreachable', `cannot list members: ${reason}`, where);
    }
    const rows = parseMemberList(list.stdout);
    const problems: string[] = [];
    for (const expected of p.members) {
      const row = rows.find((r) => r.name === expected.name);
      if (!row) problems.push(`member ${expected.name} is missing`);
      else if ([...row.peerUrls].sort().join(' ') !== [...expected.peerUrls].sort().join(' ')) {
        problems.push(`member ${expected.name} has peer URLs ${row.peerUrls.join(', ')}, expected ${expected.peerUrls.join(', ')}`);
      }
    }
    for (const row of rows) {
      if (!p.members.some((m) => m.name === row.name)) {
        problems.push(row.name ? `unexpected member ${row.name} (${row.peerUrls.join(', ')})` : `unstarted member ${row.id} (${row.peerUrls.join(', ')})`);
      }
    }
    const status = factOf(facts, 'status');
    const leaders = leadersIn(status.stdout);
    if (leaders.length === 0) problems.push(`no endpoint reports a leader (${etcdFailureReason(`${status.stdout}\n${status.stderr}`)})`);
    const leaderName = leaders[0] ? (rows.find((r) => r.id === leaders[0]!.id)?.name ?? leaders[0].id) : 'none';
    const observed = `members ${rows
      .map((r) => r.name || r.id)
      .sort()
      .join(', ')}; leader ${leaderName}`;
    return verdictFrom(problems, observed, where);
  },

  ansible: (p, ctx) => etcdMembersTasks(p, ctx),
};

/** What curl, with the same client credentials, met at the first endpoint. */
function probeReason(probe: Fact | undefined, withCert: boolean): string | undefined {
  if (!probe || probe.code === 0 || probe.code === 127) return undefined;
  if ([35, 52, 55, 56].includes(probe.code)) {
    return withCert
      ? `the server rejected the TLS connection with the given client certificate (${errorText(probe, 1)})`
      : `the server rejected the TLS connection: no client certificate was given and etcd requires one (${errorText(probe, 1)})`;
  }
  if (probe.code === 7) return `connection refused at the first endpoint (${errorText(probe, 1)})`;
  return errorText(probe, 1);
}
