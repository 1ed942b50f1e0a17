import { shq } from '../src/ssh/shell-quote.js';
import { factOf, gatherScript, parseFacts } from './facts.js';
import { ParamReader } from './params.js';
import type { CheckPrimitive } from './types.js';
import { verdictFrom } from './verdict.js';

/** A systemd unit in the expected state. When it is not active, the journal's last lines explain why. */
export interface UnitParams {
  unit: string;
  /** Expected to be running (default) or expected stopped. */
  active: boolean;
  enabled?: boolean;
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

const enabledStates = new Set(['enabled', 'enabled-runtime']);

export const unitCheck: CheckPrimitive<UnitParams> = {
  kind: 'unit',

  parse(params) {
    const read = new ParamReader('unit', params);
    const unit = read.string('unit');
    if (!/^[A-Za-z0-9:_.@\\-]+$/.test(unit) || unit.startsWith('-')) read.fail('unit', 'a systemd unit name such as "etcd.service"');
    return { unit, active: read.optBoolean('active') ?? true, enabled: read.optBoolean('enabled') };
  },

  gather(p) {
    const unit = shq(p.unit);
    const lines = [`kthw_fact active systemctl is-active -- ${unit}`];
    if (p.enabled !== undefined) lines.push(`kthw_fact enabled systemctl is-enabled -- ${unit}`);
    lines.push(`if ! systemctl is-active --quiet -- ${unit}; then kthw_fact journal journalctl -u ${unit} -n 5 --no-pager -o short-iso; fi`);
    return gatherScript(lines);
  },

  judge(p, text) {
    const facts = parseFacts(text);
    const active = factOf(facts, 'active');
    const state = firstLine(active.stdout) || firstLine(active.stderr) || `exit code ${active.code}`;
    const problems: string[] = [];
    if (p.active && state !== 'active') problems.push(`unit is ${state}, expected active`);
    if (!p.active && state === 'active') problems.push('unit is active, expected stopped');
    let observed = `${state}`;
    if (p.enabled !== undefined) {
      const enabledFact = factOf(facts, 'enabled');
      const enabled = firstLine(enabledFact.stdout) || firstLine(enabledFact.stderr) || `exit code ${enabledFact.code}`;
      observed += `, ${enabled}`;
      if (p.enabled && !enabledStates.has(enabled)) problems.push(`unit is ${enabled}, expected enabled`);
      if (!p.enabled && enabledStates.has(enabled)) problems.push(`unit is ${enabled}, expected disabled`);
    }
    const journal = facts.get('journal');
    if (problems.length && p.active && journal) {
      const lines = (journal.stdout.trim() || journal.stderr.trim()).split('\n').filter(Boolean);
      if (lines.length) problems.push(`last journal lines:\n  ${lines.join('\n  ')}`);
    }
    return verdictFrom(problems, observed, `unit ${p.unit}`);
  },
};
