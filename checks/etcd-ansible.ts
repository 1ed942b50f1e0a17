import { assertion, probe, unsafe, unsafeList, type Argv } from './ansible-tasks.js';
import type { EtcdHealthParams } from './etcd-health-params.js';
import type { EtcdMembersParams } from './etcd-members-params.js';
import type { EtcdTls } from './etcd-tls.js';
import type { AnsibleContext, AnsibleTask } from './types.js';

/** The same etcdctl call as the gather (etcd-tls.ts), every value from params unsafe, output as JSON. */
function etcdctl(endpoints: string[], tls: EtcdTls, ...command: string[]): Argv {
  const argv: Argv = ['etcdctl', '--endpoints', unsafe(endpoints.join(',')), '--dial-timeout', '2s', '--command-timeout', '3s'];
  if (tls.cacert !== undefined) argv.push('--cacert', unsafe(tls.cacert));
  if (tls.cert !== undefined) argv.push('--cert', unsafe(tls.cert));
  if (tls.key !== undefined) argv.push('--key', unsafe(tls.key));
  return [...argv, ...command, '-w', 'json'];
}

/**
 * `etcdctl endpoint health` asks every member at once (concurrently, so a dead one costs one
 * timeout) and prints one JSON entry per endpoint even when some are down.
 */
export function etcdHealthTasks(p: EtcdHealthParams, ctx: AnsibleContext): AnsibleTask[] {
  const r = ctx.register;
  const vars = {
    expected_endpoints: unsafeList(p.members.map((m) => m.clientUrl)),
    healthy_endpoints: `{{ ${r}.stdout | default('[]', true) | from_json | selectattr('health') | map(attribute='endpoint') | list }}`,
  };
  const that =
    p.require === 'all'
      ? ['expected_endpoints | difference(healthy_endpoints) | length == 0']
      : [`expected_endpoints | intersect(healthy_endpoints) | length >= ${Math.floor(p.members.length / 2) + 1}`];
  return [
    probe(
      'Ask every member for its health',
      etcdctl(
        p.members.map((m) => m.clientUrl),
        p,
        'endpoint',
        'health',
      ),
      r,
    ),
    assertion(ctx, p.require === 'all' ? 'Assert every member is healthy' : 'Assert a quorum of members is healthy', that, vars),
  ];
}

/** `member list` for names and peer URLs, `endpoint status` for a leader, both as JSON. */
export function etcdMembersTasks(p: EtcdMembersParams, ctx: AnsibleContext): AnsibleTask[] {
  const r = ctx.register;
  const status = `${r}_status`;
  // Each member as "name peer1,peer2" (peers sorted), comparable as a sorted list of strings.
  const vars = {
    expected_members: unsafeList(p.members.map((m) => `${m.name} ${[...m.peerUrls].sort().join(',')}`).sort()),
    members: `{{ (${r}.stdout | default('{}', true) | from_json).members | default([]) }}`,
    found_members:
      "{{ members | map(attribute='name', default='') | zip(members | map(attribute='peerURLs', default=[]) | map('sort') | map('join', ',')) | map('join', ' ') | sort }}",
    member_ids: "{{ members | map(attribute='ID') | list }}",
    leaders: `{{ ${status}.stdout | default('[]', true) | from_json | map(attribute='Status.leader', default=0) | select | list }}`,
  };
  return [
    probe('List the members', etcdctl(p.endpoints, p, 'member', 'list'), r),
    { ...probe('Ask each endpoint for its status', etcdctl(p.endpoints, p, 'endpoint', 'status'), status), when: `${r}.rc == 0` },
    assertion(
      ctx,
      'Assert the members and a leader',
      [`${r}.rc == 0`, 'found_members == expected_members', 'leaders | intersect(member_ids) | length > 0'],
      vars,
    ),
  ];
}
