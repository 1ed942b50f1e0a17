import { getPrimitive } from '../../checks/index.js';
import type { CheckPrimitive, CheckResult, Verdict } from '../../checks/types.js';
import type { CheckSpec } from '../plan/types.js';
import { KthwError, UsageError } from '../util/errors.js';
import { buildBatchScript } from './batch-script.js';

/** The part of a host connection the runner needs; the SSH pool and the local executor both fit. */
export interface CheckExecutor {
  exec(host: string, script: string, options?: { timeoutMs?: number }): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

export interface RunChecksOptions {
  /** Hosts checked at the same time. Default 8. */
  concurrency?: number;
  /** Limit for a `command` check's command on its host; a hung command fails alone. Default 30 s. */
  checkTimeoutMs?: number;
  /** Limit for one host's whole batch. Default 120 s. */
  timeoutMs?: number;
  /** Called as each check is judged (hosts finish in any order). */
  onResult?: (result: CheckResult) => void;
}

interface Prepared {
  spec: CheckSpec;
  index: number;
  primitive: CheckPrimitive<unknown>;
  params: unknown;
}

/** Validates every spec before anything runs: a bad spec is a chapter bug, reported by its id. */
function prepare(spec: CheckSpec, index: number): Prepared {
  try {
    const primitive = getPrimitive(spec.kind);
    return { spec, index, primitive, params: primitive.parse(spec.params) };
  } catch (error) {
    const cause = error as Error & { fix?: string };
    throw new UsageError(`check "${spec.id}" (${spec.kind}) on ${spec.host}: ${cause.message}`, { where: `check ${spec.id}`, fix: cause.fix, cause });
  }
}

function whereOn(host: string, where: string): string {
  return where.startsWith('/') ? `${host}:${where}` : `${host}: ${where}`;
}

function toResult(spec: CheckSpec, verdict: Verdict): CheckResult {
  const result: CheckResult = { id: spec.id, title: spec.title, host: spec.host, ok: verdict.ok, observed: verdict.observed };
  if (verdict.warning !== undefined) result.warning = verdict.warning;
  if (!verdict.ok) {
    const diagnosis = verdict.diagnosis ?? { found: verdict.observed, where: '' };
    result.diagnosis = { found: diagnosis.found, where: whereOn(spec.host, diagnosis.where), why: spec.why, fix: spec.fix };
  }
  return result;
}

/** A check that could not be judged. `fix` replaces the check's own when the host itself was the problem. */
function hostFailure(spec: CheckSpec, found: string, fix = spec.fix): CheckResult {
  return { id: spec.id, title: spec.title, host: spec.host, ok: false, observed: 'not checked', diagnosis: { found, where: spec.host, why: spec.why, fix } };
}

/** The executor's answer, or a rejection when it does not answer in time (it may not honour timeoutMs). */
function execWithin(executor: CheckExecutor, host: string, script: string, timeoutMs: number): ReturnType<CheckExecutor['exec']> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs + Math.min(5_000, timeoutMs));
  });
  return Promise.race([executor.exec(host, script, { timeoutMs }), deadline]).finally(() => clearTimeout(timer));
}

async function checkHost(host: string, checks: Prepared[], executor: CheckExecutor, options: RunChecksOptions): Promise<Array<[number, CheckResult]>> {
  const checkTimeoutSeconds = Math.max(1, Math.ceil((options.checkTimeoutMs ?? 30_000) / 1000));
  const batch = buildBatchScript(
    checks.map((c) => c.primitive.gather(c.params)),
    checkTimeoutSeconds,
  );
  let output: { code: number | null; stdout: string; stderr: string };
  try {
    output = await execWithin(executor, host, batch.script, options.timeoutMs ?? 120_000);
  } catch (error) {
    // The connection failed, not the check: its own fix (e.g. the host key to trust, the machine to
    // start) is what helps, not the check's.
    const message = `cannot run checks on host ${host}: ${(error as Error).message}`;
    const fix = error instanceof KthwError && error.fix ? error.fix : `make ${host} reachable over SSH (is the machine up? kthw lab status), then check again`;
    return checks.map((c) => [c.index, { ...hostFailure(c.spec, message, fix), unreachable: true }]);
  }
  const sections = batch.split(output.stdout);
  return checks.map((c, i) => {
    const section = sections[i]!;
    if (section.state === 'missing') {
      const stderr = output.stderr.trim().split('\n').slice(-3).join(' | ');
      const found = `no output from host ${host} for this check (the batch ended with ${output.code === null ? 'a signal or timeout' : `exit code ${output.code}`}${stderr ? `: ${stderr}` : ''})`;
      return [c.index, hostFailure(c.spec, found)];
    }
    try {
      return [c.index, toResult(c.spec, c.primitive.judge(c.params, section.output))];
    } catch (error) {
      return [c.index, hostFailure(c.spec, `could not judge the gathered facts: ${(error as Error).message}`)];
    }
  });
}

/**
 * Runs the checks: one script per host (all its checks batched), hosts in parallel up to
 * `concurrency`. Never throws for a lab problem: an unreachable host fails its checks with a
 * diagnosis. Throws UsageError only for malformed specs, before anything runs.
 */
export async function runChecks(specs: CheckSpec[], executor: CheckExecutor, options: RunChecksOptions = {}): Promise<CheckResult[]> {
  const prepared = specs.map(prepare);
  const byHost = new Map<string, Prepared[]>();
  for (const check of prepared) {
    const list = byHost.get(check.spec.host) ?? [];
    list.push(check);
    byHost.set(check.spec.host, list);
  }
  const results = new Array<CheckResult>(specs.length);
  const queue = [...byHost.entries()];
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [host, checks] = next;
      for (const [index, result] of await checkHost(host, checks, executor, options)) {
        results[index] = result;
        options.onResult?.(result);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
  return results;
}
