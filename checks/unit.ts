import { shq } from '../src/ssh/shell-quote.js';
import { assertion, unsafe } from './ansible-tasks.js';
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
    // systemd_service in check mode changes nothing and returns `systemctl show`'s properties as
    // `status` (ansible-core 2.14 insists on a state, hence the one that is expected). A unit that is
    // not installed makes the module fail without `status`.
    const status = `${r}.status`;
    const that = [`${status} is defined`, `${status}.LoadState | default('') != "not-found"`];
    that.push(p.active ? `${status}.ActiveState == "active"` : `${status}.ActiveState != "active"`);
    const enabled = `(${status}.UnitFileState | default('') in ${JSON.stringify([...enabledStates])})`;
    if (p.enabled === true) that.push(enabled);
    if (p.enabled === false) that.push(`not ${enabled}`);
    return [
      {
        name: 'Ask systemd about the unit',
        'ansible.builtin.systemd_service': { name: unsafe(p.unit), state: p.active ? 'started' : 'stopped' },
        register: r,
        changed_when: false,
        failed_when: false,
        check_mode: true,
      },
      assertion(ctx, 'Assert the unit state', that),
    ];
  },
};
