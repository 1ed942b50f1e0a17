/**
 * A chapter's checks as a playbook of `ansible.builtin.assert` tasks. The `command`, `file` and
 * `unit` kinds are translated (same commands, same expectations); the other kinds (x509, kubeconfig,
 * etcd-*, http, port) judge their facts in kthw's TypeScript and are listed in the playbook's
 * header as not exported: `kthw verify` runs them.
 */
import type { CheckSpec, Plan } from '../../plan/types.js';

export interface VerifyPlaybook {
  /** The play(s), empty when no check could be translated. */
  plays: unknown[];
  exported: string[];
  notExported: string[];
}

export function verifyPlaybook(plan: Plan, title: string): VerifyPlaybook {
  const exported: string[] = [];
  const notExported: string[] = [];
  const tasks: unknown[] = [];
  const hosts: string[] = [];
  let counter = 0;
  for (const check of plan.checks) {
    const register = `check_${++counter}`;
    const body = check.host === 'local' ? undefined : tasksOf(check, register);
    if (body === undefined) {
      notExported.push(`${check.id} (${check.kind} on ${check.host})`);
      continue;
    }
    exported.push(check.id);
    if (!hosts.includes(check.host)) hosts.push(check.host);
    tasks.push({ name: `Check ${check.id}: ${check.title}`, when: `inventory_hostname == ${JSON.stringify(check.host)}`, block: body });
  }
  const plays = tasks.length === 0 ? [] : [{ name: `Verify ${title}`, hosts: hosts.join(':'), gather_facts: false, tasks }];
  return { plays, exported, notExported };
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function assertTask(check: CheckSpec, that: string[], vars: Record<string, string> = {}): unknown {
  return {
    name: `Assert ${check.id}`,
    'ansible.builtin.assert': { that, fail_msg: `${check.title}: ${check.why} Fix: ${check.fix}`, quiet: true },
    ...(Object.keys(vars).length > 0 ? { vars } : {}),
  };
}

function tasksOf(check: CheckSpec, register: string): unknown[] | undefined {
  const p = check.params;
  switch (check.kind) {
    case 'command': {
      const run = str(p.run);
      if (run === undefined) return undefined;
      const that = [`${register}.rc == ${typeof p.exitCode === 'number' ? p.exitCode : 0}`];
      const vars: Record<string, string> = {};
      if (str(p.stdout)) {
        vars.expected_stdout = str(p.stdout)!;
        that.push(`${register}.stdout is regex(expected_stdout, multiline=True)`);
      }
      if (str(p.stdoutNot)) {
        vars.refused_stdout = str(p.stdoutNot)!;
        that.push(`${register}.stdout is not regex(refused_stdout, multiline=True)`);
      }
      return [
        { name: `Run ${check.id}`, 'ansible.builtin.shell': { cmd: run, executable: p.shell === 'bash' ? '/bin/bash' : '/bin/sh' }, register, changed_when: false, failed_when: false, check_mode: false },
        assertTask(check, that, vars),
      ];
    }
    case 'file': {
      const path = str(p.path);
      if (path === undefined) return undefined;
      const sha256 = str(p.sha256);
      const that = [`${register}.stat.exists`, p.type === 'directory' ? `${register}.stat.isdir` : `${register}.stat.isreg`];
      const vars: Record<string, string> = {};
      if (str(p.mode)) that.push(`${register}.stat.mode == ${JSON.stringify(str(p.mode)!.padStart(4, '0'))}`);
      if (str(p.owner)) that.push(`${register}.stat.pw_name == ${JSON.stringify(str(p.owner))}`);
      if (str(p.group)) that.push(`${register}.stat.gr_name == ${JSON.stringify(str(p.group))}`);
      if (sha256) that.push(`${register}.stat.checksum == ${JSON.stringify(sha256.toLowerCase())}`);
      const tasks: unknown[] = [
        {
          name: `Stat ${path}`,
          'ansible.builtin.stat': { path, follow: true, ...(sha256 ? { get_checksum: true, checksum_algorithm: 'sha256' } : { get_checksum: false }) },
          register,
        },
      ];
      if (str(p.contains) !== undefined || str(p.matches) !== undefined) {
        tasks.push({ name: `Read ${path}`, 'ansible.builtin.slurp': { src: path }, register: `${register}_content`, when: `${register}.stat.exists` });
        if (str(p.contains) !== undefined) {
          vars.expected_text = str(p.contains)!;
          that.push(`expected_text in (${register}_content.content | b64decode)`);
        }
        if (str(p.matches) !== undefined) {
          vars.expected_pattern = str(p.matches)!;
          that.push(`(${register}_content.content | b64decode) is regex(expected_pattern, multiline=True)`);
        }
      }
      tasks.push(assertTask(check, that, vars));
      return tasks;
    }
    case 'unit': {
      const unit = str(p.unit);
      if (unit === undefined || !/^[A-Za-z0-9:_.@-]+$/.test(unit)) return undefined;
      const that = [p.active === false ? `"ActiveState=active" not in ${register}.stdout_lines` : `"ActiveState=active" in ${register}.stdout_lines`];
      if (p.enabled === true) that.push(`"UnitFileState=enabled" in ${register}.stdout_lines`);
      if (p.enabled === false) that.push(`"UnitFileState=enabled" not in ${register}.stdout_lines`);
      return [
        { name: `Read ${unit}`, 'ansible.builtin.command': { argv: ['systemctl', 'show', '-p', 'ActiveState', '-p', 'UnitFileState', '--', unit] }, register, changed_when: false, check_mode: false },
        assertTask(check, that),
      ];
    }
    default:
      return undefined;
  }
}
