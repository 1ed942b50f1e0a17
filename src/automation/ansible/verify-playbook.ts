/**
 * A chapter's checks as a playbook of `ansible.builtin.assert` tasks. Every check kind translates
 * itself (`CheckPrimitive.ansible`, checks/*-ansible.ts): this file only wraps each check in a
 * block whose rescue records the failure in a host fact, and ends with a report play whose assert
 * fails on each host where a check failed, naming every failed check, not just the first.
 */
import { unsafe } from '../../../checks/ansible-tasks.js';
import { getPrimitive } from '../../../checks/index.js';
import type { CheckSpec, Plan } from '../../plan/types.js';
import { KthwError, UsageError } from '../../util/errors.js';

export interface VerifyPlaybook {
  /** One play for the lab's machines, one on localhost for checks of kthw's own machine, then the report play. */
  plays: unknown[];
  /** Check ids, in plan order. */
  exported: string[];
  /** The hosts the plays run on (`localhost` for checks on host `local`). */
  hosts: string[];
}

/** Host fact holding "<id>: <title> — <why> Fix: <fix> (<what failed>)" per failed check. */
export const failedChecksFact = 'kthw_failed_checks';
/** Set by verify.yml on its imports: the plays then only record, and verify.yml's last play reports. */
export const deferReportVar = 'kthw_verify_report_at_end';

/** `labDir`: checks on kthw's machine find it in KTHW_LAB_DIR, as they do when kthw runs them. */
export function verifyPlaybook(plan: Plan, title: string, labDir?: string): VerifyPlaybook {
  const remote: unknown[] = [];
  const local: unknown[] = [];
  const hosts: string[] = [];
  plan.checks.forEach((check, index) => {
    const block = checkBlock(check, `check_${index + 1}`);
    if (check.host === 'local') local.push(block);
    else {
      // key order as ansible-lint wants it: name, when, then block and rescue last
      remote.push({ name: block.name, when: `inventory_hostname == ${JSON.stringify(check.host)}`, block: block.block, rescue: block.rescue });
      if (!hosts.includes(check.host)) hosts.push(check.host);
    }
  });
  const plays: unknown[] = [];
  if (remote.length > 0) plays.push({ name: `Verify ${title}`, hosts: hosts.join(':'), gather_facts: false, tasks: remote });
  if (local.length > 0) {
    plays.push({
      name: `Verify ${title} on kthw's machine`,
      hosts: 'localhost',
      connection: 'local',
      gather_facts: false,
      ...(labDir === undefined ? {} : { environment: { KTHW_LAB_DIR: labDir } }),
      tasks: local,
    });
    hosts.push('localhost');
  }
  // The report is a play of its own, after every check ran: a play where every host failed would end the run.
  if (plays.length > 0) {
    plays.push({
      name: `Report the failed checks of ${title}`,
      hosts: hosts.join(':'),
      gather_facts: false,
      tasks: [{ ...failuresAssert(`No check of ${title} failed on this host`), when: `not (${deferReportVar} | default(false))` }],
    });
  }
  return { plays, exported: plan.checks.map((c) => c.id), hosts };
}

/** verify.yml's last play: the failures recorded by every imported chapter, per host. */
export function verifyReportPlay(hosts: string[]): unknown {
  return {
    name: 'Report every failed check',
    hosts: hosts.join(':'),
    gather_facts: false,
    tags: ['always'],
    tasks: [failuresAssert('No check failed on this host')],
  };
}

function checkBlock(check: CheckSpec, register: string): { name: string; block: unknown[]; rescue: unknown[] } {
  let tasks: unknown[];
  try {
    const primitive = getPrimitive(check.kind);
    tasks = primitive.ansible(primitive.parse(check.params), { register, failMsg: `${check.title}: ${check.why} Fix: ${check.fix}` });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(`check ${check.id} cannot be exported: ${message}`, {
      where: `check ${check.id} (${check.kind} on ${check.host})`,
      fix: error instanceof KthwError && error.fix ? error.fix : 'Correct the check spec in the chapter.',
      cause: error,
    });
  }
  return {
    name: `Check ${check.id}: ${check.title}`,
    block: tasks,
    rescue: [
      {
        name: `Record that ${check.id} failed`,
        'ansible.builtin.set_fact': {
          [failedChecksFact]: `{{ ${failedChecksFact} | default([]) + [failed_check ~ ' (' ~ (ansible_failed_result.assertion | default(ansible_failed_result.msg | default('failed'))) ~ ')'] }}`,
        },
        vars: { failed_check: unsafe(`${check.id}: ${check.title} — ${check.why} Fix: ${check.fix}`) },
      },
    ],
  };
}

function failuresAssert(name: string): Record<string, unknown> {
  return {
    name,
    'ansible.builtin.assert': {
      that: `${failedChecksFact} | default([]) | length == 0`,
      fail_msg: `{{ ${failedChecksFact} | default([]) }}`,
      success_msg: 'no check failed',
    },
  };
}
