import type { Plan } from '../plan/types.js';
import type { EventSink } from './events.js';
import type { HostExecutor } from './executor.js';
import type { GeneratorContext, Generators } from './generators.js';
import { StepFailed, runStep } from './run-step.js';

export interface StepRecord {
  step: string;
  status: 'done' | 'failed';
  changed: number;
  at: string;
  message?: string;
}

export interface RunPlanOptions extends GeneratorContext {
  executor: HostExecutor;
  generators: Generators;
  emit: EventSink;
  signal?: AbortSignal;
  /** Called after every step so progress survives a crash or Ctrl-C. */
  record: (record: StepRecord) => Promise<void>;
  /** Skip steps before this one (resume). */
  fromStep?: string;
}

export interface RunPlanResult {
  ok: boolean;
  changed: number;
  steps: StepRecord[];
  failure?: StepFailed;
}

/** Runs a plan's steps in order, stopping at the first failure; every step is recorded as it ends. */
export async function runPlan(plan: Plan, options: RunPlanOptions): Promise<RunPlanResult> {
  const records: StepRecord[] = [];
  let started = options.fromStep === undefined;
  for (const step of plan.steps) {
    if (!started && step.id !== options.fromStep) continue;
    started = true;
    options.emit({ type: 'step-start', chapter: plan.chapter, step: step.id, title: step.title, host: step.host });
    try {
      const changed = await runStep(step, { ...options, chapter: plan.chapter });
      const record: StepRecord = { step: step.id, status: 'done', changed, at: new Date().toISOString() };
      records.push(record);
      await options.record(record);
      options.emit({ type: 'step-done', chapter: plan.chapter, step: step.id, changed });
    } catch (error) {
      const failure = error instanceof StepFailed ? error : new StepFailed(step.id, step.host, error instanceof Error ? error.message : String(error));
      const record: StepRecord = { step: step.id, status: 'failed', changed: 0, at: new Date().toISOString(), message: failure.message };
      records.push(record);
      await options.record(record);
      options.emit({ type: 'step-failed', chapter: plan.chapter, step: step.id, host: step.host, message: failure.message, fix: failure.fix });
      return { ok: false, changed: total(records), steps: records, failure };
    }
  }
  return { ok: true, changed: total(records), steps: records };
}

const total = (records: StepRecord[]) => records.reduce((sum, r) => sum + r.changed, 0);
