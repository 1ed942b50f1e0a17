/**
 * One chapter's plan as an Ansible role: each step becomes a block run on its host, each action a
 * task with the module that does the same thing idempotently. Generated from the plan alone, so a new
 * chapter needs no change here.
 */
import { basename, dirname } from 'node:path';
import type { Action, Plan, Step } from '../../plan/types.js';
import { ansibleRendersAs, exportsAsTemplate, templateSource, type VarPlacement } from './template-vars.js';
import { secretVarName } from './secret-vars.js';
import { unpackDepth } from '../../engine/unpack-command.js';
import { UsageError } from '../../util/errors.js';

export { ansibleRendersAs } from './template-vars.js';

export interface RoleFiles {
  tasks: unknown[];
  handlers: unknown[];
  /** `templates/<name>.j2` → chapter template name (chapters/<slug>/templates/<file>). */
  templates: Map<string, string>;
  /** Hosts the role's tasks run on, in order of first use. */
  hosts: string[];
  /** Steps with nothing Ansible can do (kthw's local generators): shown as a comment. */
  localSteps: string[];
  /** Secret files the role reads (lab-directory relative). */
  secrets: Set<string>;
}

const handlerName = (unit: string) => `Restart ${unit}`;
const GUARD = '@@kthw-guard-';

/** Runs of consecutive steps whose blocks are the same, each on a host of its own. */
function sameInARow<T extends { step: Step; same: string }>(steps: T[]): T[][] {
  const groups: T[][] = [];
  for (const item of steps) {
    const last = groups.at(-1);
    if (last && last[0]!.same === item.same && !last.some((g) => g.step.host === item.step.host)) last.push(item);
    else groups.push([item]);
  }
  return groups;
}

export function roleFromPlan(plan: Plan, slug: string, placement: VarPlacement): RoleFiles {
  const role: RoleFiles = { tasks: [], handlers: [], templates: new Map(), hosts: [], localSteps: [], secrets: new Set() };
  const notified = new Set<string>();
  // A unit the plan starts without waiting (--no-block) is restarted the same way by its handler.
  const queued = new Set(plan.steps.flatMap((s) => s.actions).flatMap((a) => (a.kind === 'unit' && a.noBlock ? [a.unit] : [])));
  let counter = 0;
  const guardName = () => `${slug.replace(/^[0-9]+-/, '').replace(/-/g, '_')}_guard_${++counter}`;
  const built: Array<{ step: Step; same: string }> = [];
  for (const step of plan.steps) {
    const remote = step.actions.filter((a) => a.kind !== 'generate');
    if (step.host === 'local' || remote.length === 0) {
      if (step.actions.length > 0) role.localSteps.push(`${step.id}: ${step.title}`);
      continue;
    }
    if (!role.hosts.includes(step.host)) role.hosts.push(step.host);
    const notifiedInStep = new Set<string>();
    const block: unknown[] = [];
    const dirs = new Set<string>();
    // Guards get their names once steps are grouped: a placeholder per step until then.
    let guards = 0;
    const register = () => `${GUARD}${++guards}${GUARD}`;
    for (const action of remote) {
      if (action.kind === 'directory') dirs.add(action.path);
      // kthw creates a file's directory as `mkdir -p` does; Ansible's file modules expect it to exist.
      if ((action.kind === 'file' || action.kind === 'secret-file' || action.kind === 'copy') && !dirs.has(dirname(action.path))) {
        dirs.add(dirname(action.path));
        block.push({
          name: `Make sure ${dirname(action.path)} exists`,
          'ansible.builtin.file': { path: dirname(action.path), state: 'directory', mode: 'u+rwx' },
        });
      }
      block.push(...tasksOf(action, step, { role, placement, register, notifiedInStep }));
    }
    notifiedInStep.forEach((unit) => notified.add(unit));
    built.push({ step, same: JSON.stringify(block) });
  }
  // Steps in a row that do exactly the same on different hosts (per-host values live in host_vars)
  // become one block run on all of them, as one would write it by hand; Ansible runs it on them at once.
  for (const group of sameInARow(built)) {
    const named = new Map<string, string>();
    const block: unknown = JSON.parse(
      group[0]!.same.replace(new RegExp(`${GUARD}(\\d+)${GUARD}`, 'g'), (_, n: string) => named.get(n) ?? named.set(n, guardName()).get(n)!),
    );
    const hosts = group.map((g) => g.step.host);
    role.tasks.push(
      group.length === 1
        ? { name: `Step ${group[0]!.step.id}: ${group[0]!.step.title}`, when: `inventory_hostname == ${JSON.stringify(hosts[0])}`, block }
        : {
            name: `Steps ${group.map((g) => g.step.id).join(', ')}: ${group.map((g) => g.step.title).join('; ')}`,
            when: `inventory_hostname in ${JSON.stringify(hosts)}`,
            block,
          },
    );
  }
  role.handlers = [...notified].map((unit) => ({
    name: handlerName(unit),
    'ansible.builtin.systemd_service': { name: unit, state: 'restarted', daemon_reload: true, ...(queued.has(unit) ? { no_block: true } : {}) },
  }));
  return role;
}

interface TaskContext {
  role: RoleFiles;
  placement: VarPlacement;
  register: () => string;
  notifiedInStep: Set<string>;
}

const ownership = (a: { owner?: string; group?: string }) => ({ ...(a.owner ? { owner: a.owner } : {}), ...(a.group ? { group: a.group } : {}) });

function tasksOf(action: Exclude<Action, { kind: 'generate' }>, step: Step, ctx: TaskContext): unknown[] {
  const notify = (units: string[] | undefined) => {
    units?.forEach((unit) => ctx.notifiedInStep.add(unit));
    return units && units.length > 0 ? { notify: units.map(handlerName) } : {};
  };
  switch (action.kind) {
    case 'file': {
      if (exportsAsTemplate(action, ctx.placement) && ansibleRendersAs(action.content, templateSource(action.template.name))) {
        const name = templateFileName(ctx.role, action.path, action.template.name);
        return [
          {
            name: `Render ${action.path}`,
            'ansible.builtin.template': { src: name, dest: action.path, mode: action.mode, ...ownership(action) },
            ...notify(action.notify),
          },
        ];
      }
      return [
        {
          name: `Write ${action.path}`,
          'ansible.builtin.copy': { content: action.content, dest: action.path, mode: action.mode, ...ownership(action) },
          ...notify(action.notify),
        },
      ];
    }
    case 'secret-file':
      ctx.role.secrets.add(action.secret);
      return [
        {
          name: `Place ${action.path} (${action.secret} of the lab directory)`,
          'ansible.builtin.copy': { content: `{{ ${secretVarName(action.secret)} }}`, dest: action.path, mode: action.mode, ...ownership(action) },
          no_log: true,
          ...notify(action.notify),
        },
      ];
    case 'directory':
      return [
        {
          name: `Make the directory ${action.path}`,
          'ansible.builtin.file': { path: action.path, state: 'directory', mode: action.mode, ...ownership(action) },
        },
      ];
    case 'unpack': {
      const depth = unpackDepth(action.members);
      if (typeof depth !== 'number')
        throw new UsageError(`cannot export step ${step.id}: ${depth.error}`, { where: `step ${step.id}`, fix: 'fix the chapter that asks for it' });
      const guard = action.optional ? ctx.register() : undefined;
      return [
        ...(guard ? [{ name: `Look for ${action.archive}`, 'ansible.builtin.stat': { path: action.archive, get_checksum: false }, register: guard }] : []),
        {
          name: `Make the directory ${action.dest}`,
          'ansible.builtin.file': { path: action.dest, state: 'directory', mode: '0755' },
          ...(guard ? { when: `${guard}.stat.exists` } : {}),
        },
        {
          name: `Unpack ${action.members.map((m) => basename(m)).join(', ')} from ${basename(action.archive)}`,
          'ansible.builtin.unarchive': {
            src: action.archive,
            dest: action.dest,
            remote_src: true,
            include: action.members,
            extra_opts: [`--strip-components=${depth}`],
          },
          ...(guard ? { when: `${guard}.stat.exists` } : {}),
        },
      ];
    }
    case 'packages':
      // As kthw does: the package index is refreshed (and apt asked) only when a package is missing.
      return [
        { name: 'Read the installed packages', 'ansible.builtin.package_facts': { manager: 'apt' } },
        {
          name: `Install ${action.names.join(', ')}`,
          'ansible.builtin.apt': { name: action.names, state: 'present', update_cache: true },
          when: `${JSON.stringify(action.names)} | difference(ansible_facts.packages.keys()) | length > 0`,
        },
      ];
    case 'copy':
      // ansible.builtin.copy verifies only SHA-1 checksums; the lab's sha256 pin is checked by verify.yml/kthw.
      return [
        {
          name: `Copy ${basename(action.from)} to ${action.path}`,
          'ansible.builtin.copy': { src: action.from, dest: action.path, mode: action.mode, ...ownership(action) },
        },
      ];
    case 'command': {
      const title = action.run.split('\n')[0]!.slice(0, 60);
      const run = { name: `Run ${title}`, 'ansible.builtin.shell': { cmd: action.run, executable: '/bin/bash' }, changed_when: action.readOnly !== true };
      if (action.unless === undefined) return [run];
      const guard = ctx.register();
      return [
        {
          name: `Check whether ${title} already took effect`,
          'ansible.builtin.shell': { cmd: action.unless, executable: '/bin/bash' },
          register: guard,
          changed_when: false,
          failed_when: false,
          check_mode: false,
        },
        { ...run, when: `${guard}.rc != 0` },
      ];
    }
    case 'unit': {
      const tasks: unknown[] = [];
      // kthw restarts a unit at this point when a file it reads changed: handlers run here too.
      if (ctx.notifiedInStep.has(action.unit)) tasks.push({ name: `Apply pending restarts before ${action.unit}`, 'ansible.builtin.meta': 'flush_handlers' });
      tasks.push({
        name: `Bring ${action.unit} to ${action.state}`,
        'ansible.builtin.systemd_service': {
          name: action.unit,
          enabled: action.enabled,
          state: action.state,
          daemon_reload: true,
          ...(action.noBlock ? { no_block: true } : {}),
        },
      });
      return tasks;
    }
  }
}

/** `templates/<dest-basename>.j2`, made unique within the role when two templates share a basename. */
function templateFileName(role: RoleFiles, dest: string, template: string): string {
  const base = basename(dest).replace(/^\./, '') || 'file';
  for (let n = 1; ; n++) {
    const name = n === 1 ? `${base}.j2` : `${base}-${n}.j2`;
    const existing = role.templates.get(name);
    if (existing === undefined) role.templates.set(name, template);
    if (existing === undefined || existing === template) return name;
  }
}
