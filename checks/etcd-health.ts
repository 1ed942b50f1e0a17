import { shq } from '../src/ssh/shell-quote.js';
import { etcdFailureReason, etcdctlArgs, readEtcdTls, readEtcdUrl } from './etcd-tls.js';
import { factOf, gatherScript, parseFacts, type Fact } from './facts.js';
import { ParamReader } from './params.js';
import type { CheckPrimitive } from './types.js';
import { verdictFrom } from './verdict.js';
import { etcdHealthTasks } from './etcd-ansible.js';
import type { EtcdHealthParams } from './etcd-health-params.js';
export type { EtcdHealthParams } from './etcd-health-params.js';

export const etcdHealthCheck: CheckPrimitive<EtcdHealthParams> = {
  kind: 'etcd-health',

  parse(params) {
    const read = new ParamReader('etcd-health', params);
    return {
      members: read.list('members', (member) => ({ name: member.string('name'), clientUrl: readEtcdUrl(member, 'clientUrl', member.string('clientUrl')) })),
      require: read.optEnum('require', ['all', 'quorum'] as const) ?? 'all',
      ...readEtcdTls(read),
    };
  },

  gather(p) {
    const lines = p.members.flatMap((m, i) => [
      `kthw_fact health-${i} ${etcdctlArgs([m.clientUrl], p).map(shq).join(' ')} endpoint health >"$kthw_dir/health-${i}" &`,
      // etcdctl says only "context deadline exceeded" for a dead member; a bare TCP/TLS probe says why.
      `kthw_fact probe-${i} curl -sk --max-time 2 -o /dev/null --url ${shq(m.clientUrl)} >"$kthw_dir/probe-${i}" &`,
    ]);
    lines.push('wait');
    p.members.forEach((_, i) => lines.push(`cat "$kthw_dir/health-${i}" "$kthw_dir/probe-${i}"`));
    return gatherScript(lines);
  },

  judge(p, text) {
    const facts = parseFacts(text);
    const sick: string[] = [];
    const healthy: string[] = [];
    p.members.forEach((member, i) => {
      const fact = factOf(facts, `health-${i}`);
      const output = `${fact.stdout}\n${fact.stderr}`;
      if (fact.code === 0 && / is healthy/.test(output)) healthy.push(member.name);
      else sick.push(`member ${member.name} (${member.clientUrl}) is unhealthy: ${probeReason(facts.get(`probe-${i}`)) ?? etcdFailureReason(output)}`);
    });
    const total = p.members.length;
    const quorum = Math.floor(total / 2) + 1;
    const observed = `${healthy.length}/${total} members healthy${healthy.length >= quorum ? ', quorum holds' : ', NO quorum'}`;
    const problems = p.require === 'all' || healthy.length < quorum ? sick : [];
    if (problems.length && healthy.length) problems.push(`healthy: ${healthy.join(', ')}`);
    const warning = problems.length === 0 && sick.length ? sick.join('; ') : undefined;
    return verdictFrom(problems, observed, `etcd ${p.members.map((m) => m.name).join(', ')}`, warning);
  },

  ansible: (p, ctx) => etcdHealthTasks(p, ctx),
};

/** curl's exit code when it could not even talk TLS to the member. */
function probeReason(probe: Fact | undefined): string | undefined {
  if (probe?.code === 7) return 'connection refused (nothing listens there: etcd down or on another address)';
  if (probe?.code === 28) return 'no answer within 2 s (host or port filtered, or etcd hung)';
  if (probe?.code === 6) return 'the host name does not resolve';
  return undefined;
}
