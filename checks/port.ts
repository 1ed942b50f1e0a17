import { errorText, factOf, gatherScript, parseFacts } from './facts.js';
import { canonicalIp } from '../src/lab/cidr.js';
import { ParamReader } from './params.js';
import type { CheckPrimitive } from './types.js';
import { fail, verdictFrom } from './verdict.js';
import { portTasks } from './port-ansible.js';
import type { PortParams } from './port-params.js';
export type { PortParams } from './port-params.js';

export interface Listener {
  address: string;
  port: number;
  process: string;
}

/** Parses `ss -Hltnp`: `LISTEN 0 511 [::1]:2379 [::]:* users:(("etcd",pid=9,fd=7))`. */
export function parseListeners(output: string): Listener[] {
  const listeners: Listener[] = [];
  for (const line of output.split('\n')) {
    const columns = line.trim().split(/\s+/);
    const local = columns[3];
    if (!local) continue;
    const colon = local.lastIndexOf(':');
    const host = local
      .slice(0, colon)
      .replace(/^\[(.*)\]$/, '$1')
      .replace(/%.*$/, '');
    const process = /users:\(\("([^"]*)"/.exec(columns.slice(5).join(' '))?.[1] ?? '';
    listeners.push({ address: host === '*' ? '*' : (canonicalIp(host) ?? host), port: Number(local.slice(colon + 1)), process });
  }
  return listeners;
}

function covers(listener: string, wanted: string): boolean {
  if (listener === wanted || listener === '*') return true;
  return wanted.includes(':') ? listener === '::' : listener === '0.0.0.0';
}

export const portCheck: CheckPrimitive<PortParams> = {
  kind: 'port',

  parse(params) {
    const read = new ParamReader('port', params);
    const port = read.optInteger('port', { min: 1, max: 65535 }) ?? read.fail('port', 'a TCP port number');
    const raw = read.optString('address');
    const address = raw === undefined ? undefined : (canonicalIp(raw) ?? read.fail('address', 'an IPv4 or IPv6 address'));
    return { port, address, closed: read.optBoolean('closed') ?? false };
  },

  gather() {
    return gatherScript(['kthw_fact ss ss -Hltnp']);
  },

  judge(p, text) {
    const ss = factOf(parseFacts(text), 'ss');
    const where = `port ${p.port}`;
    if (ss.code !== 0) return fail('unknown', `cannot list listening sockets: ${errorText(ss)}`, where);
    const onPort = parseListeners(ss.stdout).filter((l) => l.port === p.port);
    const describe = (l: Listener) => `${l.address.includes(':') ? `[${l.address}]` : l.address}:${l.port}${l.process ? ` (${l.process})` : ''}`;
    const observed = onPort.length ? `listening on ${onPort.map(describe).join(', ')}` : 'nothing listening';
    if (p.closed) return verdictFrom(onPort.length ? [`expected nothing listening, found ${onPort.map(describe).join(', ')}`] : [], observed, where);
    if (onPort.length === 0) return fail(observed, `nothing listens on TCP port ${p.port}`, where);
    if (p.address !== undefined && !onPort.some((l) => covers(l.address, p.address!))) {
      return fail(observed, `TCP port ${p.port} is not listening on ${p.address} (only on ${onPort.map(describe).join(', ')})`, where);
    }
    return verdictFrom([], observed, where);
  },

  ansible: (p, ctx) => portTasks(p, ctx),
};
