import { shq } from '../src/ssh/shell-quote.js';
import { assertion, probe, unsafe } from './ansible-tasks.js';
import { errorText, factOf, gatherScript, parseFacts } from './facts.js';
import { ParamReader } from './params.js';
import type { CheckPrimitive } from './types.js';
import { fail, verdictFrom } from './verdict.js';

/** A systemd unit in the expected state. When it is not active, the journal's last lines explain why. */
export interface UnitParams {
  unit: string;
  /** Expected to be running (default) or expected stopped. */
  active: boolean;
  enabled?: boolean;
}

const enabledStates = new Set(['enabled', 'enabled-runtime']);

/** `systemctl show -p …` output: `Key=value` lines. */
function properties(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

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
    // One systemctl call for every state; the journal only when the unit is not running.
    return gatherScript([
      `kthw_fact show systemctl show -p LoadState -p ActiveState -p SubState -p UnitFileState -- ${unit}`,
      `if ! grep -qx 'ActiveState=active' "$kthw_dir/show.o" 2>/dev/null; then kthw_fact journal journalctl -u ${unit} -n 5 --no-pager -o short-iso; fi`,
    ]);
  },

  judge(p, text) {
    const facts = parseFacts(text);
    const where = `unit ${p.unit}`;
    const show = factOf(facts, 'show');
    if (show.code !== 0) return fail('unknown', `cannot ask systemd about the unit: ${errorText(show)}`, where);
    const props = properties(show.stdout);
    const active = props.ActiveState ?? 'unknown';
    const fileState = props.UnitFileState || 'no unit file';
    const observed = `${active}${props.SubState && props.SubState !== active ? ` (${props.SubState})` : ''}, ${fileState}`;
    if (props.LoadState === 'not-found') return fail(observed, 'the unit is not installed (systemd has no unit file by that name)', where);
    const problems: string[] = [];
    if (p.active && active !== 'active') problems.push(`unit is ${active}, expected active`);
    if (!p.active && active === 'active') problems.push('unit is active, expected stopped');
    if (p.enabled === true && !enabledStates.has(fileState)) problems.push(`unit is ${fileState}, expected enabled`);
    if (p.enabled === false && enabledStates.has(fileState)) problems.push(`unit is ${fileState}, expected disabled`);
    const journal = facts.get('journal');
    if (problems.length && p.active && journal) {
      const lines = (journal.stdout.trim() || journal.stderr.trim()).split('\n').filter(Boolean);
      if (lines.length) problems.push(`last journal lines:\n  ${lines.join('\n  ')}`);
    }
    return verdictFrom(problems, observed, where);
  },

  ansible(p, ctx) {
    const r = ctx.register;
    const enabled = `(${r}.stdout_lines | intersect(${JSON.stringify([...enabledStates].map((s) => `UnitFileState=${s}`))}) | length > 0)`;
    const that = [`${r}.rc == 0`, `"LoadState=not-found" not in ${r}.stdout_lines`];
    that.push(p.active ? `"ActiveState=active" in ${r}.stdout_lines` : `"ActiveState=active" not in ${r}.stdout_lines`);
    if (p.enabled === true) that.push(enabled);
    if (p.enabled === false) that.push(`not ${enabled}`);
    return [
      probe('Ask systemd about the unit', ['systemctl', 'show', '-p', 'LoadState', '-p', 'ActiveState', '-p', 'UnitFileState', '--', unsafe(p.unit)], r),
      assertion(ctx, 'Assert the unit state', that),
    ];
  },
};
