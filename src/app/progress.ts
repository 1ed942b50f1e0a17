import type { ChapterProgress } from '../engine/session.js';
import type { ChapterModule } from '../plan/chapter.js';
import type { Plan } from '../plan/types.js';
import type { LabState } from '../state/index.js';

/** A chapter's progress as the state file records it, against its plan. */
export function progressOf(module: ChapterModule, plan: Plan, state: LabState | undefined): ChapterProgress {
  const record = state?.chapters[module.meta.id];
  const done = plan.steps.filter((s) => record?.steps[s.id]?.status === 'done').length;
  const failed = plan.steps.some((s) => record?.steps[s.id]?.status === 'failed');
  const checks = record?.checks ?? [];
  const checksFailed = checks.filter((c) => !c.ok).length;
  const status: ChapterProgress['status'] = failed
    ? 'failed'
    : done === plan.steps.length && (done > 0 || checks.length > 0)
      ? checksFailed > 0
        ? 'checks-failed'
        : 'done'
      : done > 0
        ? 'in-progress'
        : 'not-started';
  const next = plan.steps.find((s) => record?.steps[s.id]?.status !== 'done');
  return {
    meta: module.meta,
    status,
    stepsDone: done,
    stepsTotal: plan.steps.length,
    ...(next ? { nextStep: next.id } : {}),
    ...(checks.length > 0 ? { lastChecks: { at: checks[0]!.at, passed: checks.length - checksFailed, failed: checksFailed } } : {}),
  };
}
