/**
 * A check primitive is split in two so checks of one host run as ONE remote exec:
 * - `gather(params)` returns a POSIX sh snippet that prints the facts the check needs to stdout
 *   (it must never exit the shell or fail the batch; values from params are quoted with shq);
 * - `judge(params, facts)` is a pure function from that output to a verdict with a diagnosis.
 * The runner concatenates the gather snippets of a host with unique delimiters, runs them in one
 * exec, splits the output and judges each locally.
 *
 * `ansible(params, ctx)` is the same check for `kthw export ansible`: Ansible tasks that read the
 * same facts on the host and end in an `ansible.builtin.assert` holding the judge's expectations.
 */
export interface Diagnosis {
  /** What was found, concretely ("mode 0644", "SAN 10.240.0.11 missing"). */
  found: string;
  /** Where: host and path, unit, port. */
  where: string;
}

export interface Verdict {
  ok: boolean;
  /** One line describing what was observed (shown for passing checks too with --verbose). */
  observed: string;
  /** Present when ok is false. */
  diagnosis?: Diagnosis;
  /** A passing check may still warn (a certificate expiring soon). */
  warning?: string;
}

export interface CheckPrimitive<P = Record<string, unknown>> {
  kind: string;
  /** Validates and types a spec's params; throws a clear Error naming the bad field. */
  parse(params: Record<string, unknown>): P;
  gather(params: P): string;
  judge(params: P, facts: string): Verdict;
  /** Required: a primitive without its Ansible translation does not type-check (see ansible-tasks.ts). */
  ansible(params: P, ctx: AnsibleContext): AnsibleTask[];
}

/** One Ansible task as a YAML-ready object. Values from params are `unsafe()` scalars. */
export type AnsibleTask = Record<string, unknown>;

export interface AnsibleContext {
  /** A variable name unique to this check in its play: register the host's answer under it (or `<register>_x`). */
  register: string;
  /** The assert's fail_msg: what the check means and how to fix it. */
  failMsg: string;
}

export interface CheckResult {
  id: string;
  title: string;
  host: string;
  ok: boolean;
  observed: string;
  warning?: string;
  diagnosis?: Diagnosis & { why: string; fix: string };
  /** Not judged because the host could not be reached (diagnosis.fix is then the connection's fix). */
  unreachable?: true;
}
