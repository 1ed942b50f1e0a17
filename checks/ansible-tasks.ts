import { Scalar } from 'yaml';
import type { AnsibleContext, AnsibleTask } from './types.js';

/**
 * Building blocks of the Ansible translations. Two rules hold in every task built here:
 * - a value from a check's params is an `!unsafe` YAML scalar, so Ansible never renders Jinja in
 *   it (a path holding `{{ lookup('pipe', …) }}` stays a path);
 * - commands go through the command module's `argv` (no shell); where a small script is needed,
 *   the script is a constant and the values are its positional parameters (`sh -c SCRIPT sh $1 $2`).
 */
export function unsafe(value: string): Scalar<string> {
  const scalar = new Scalar(value);
  scalar.tag = '!unsafe';
  return scalar;
}

export function unsafeList(values: readonly string[]): Array<Scalar<string>> {
  return values.map(unsafe);
}

export type Argv = Array<string | Scalar<string>>;

/**
 * A read-only command: never reports a change, runs in check mode too, and never fails by itself
 * (its exit code and output are judged by the assert that follows).
 */
export function probe(name: string, argv: Argv, register: string, moduleArgs: Record<string, unknown> = {}): AnsibleTask {
  return { name, 'ansible.builtin.command': { argv, ...moduleArgs }, register, changed_when: false, failed_when: false, check_mode: false };
}

/** A constant POSIX sh script run with values as positional parameters ($1, $2, …): no quoting needed. */
export function script(name: string, code: string, args: Argv, register: string, moduleArgs: Record<string, unknown> = {}): AnsibleTask {
  const literal = new Scalar(code);
  literal.type = Scalar.BLOCK_LITERAL;
  return probe(name, ['sh', '-c', literal, 'sh', ...args], register, moduleArgs);
}

/** The check's verdict: every expectation of the judge, in the order the judge looks at them. */
export function assertion(ctx: AnsibleContext, name: string, that: string[], vars: Record<string, unknown> = {}): AnsibleTask {
  return {
    name,
    'ansible.builtin.assert': { that, fail_msg: ctx.failMsg, quiet: true },
    ...(Object.keys(vars).length > 0 ? { vars } : {}),
  };
}

/** A Jinja list: the rest of each line of `register.stdout` that starts with `prefix` (plain text, no quotes). */
export function linesOf(register: string, prefix: string): string {
  if (/['\\]/.test(prefix)) throw new Error(`linesOf: prefix ${prefix} must not hold quotes or backslashes`);
  return `(${register}.stdout | regex_findall('(?m)^${prefix.replace(/[.*+?^${}()|[\]]/g, '\\\\$&')}(.*)$'))`;
}
