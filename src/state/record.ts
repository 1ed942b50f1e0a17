/**
 * Mutators for `StateStore.update()`: what the engine calls as it goes, step by step. Each changes
 * the draft it is given, in place.
 */
import { UsageError } from '../util/errors.js';
import { idSchema, type CheckRecord, type ChapterRecord, type LabState, type StepRecord } from './schema.js';

export interface StepOutcome {
  status: StepRecord['status'];
  changed: boolean;
  params?: Record<string, string>;
  artifacts?: Record<string, string>;
  message?: string;
}

function assertId(kind: string, id: string): void {
  if (!idSchema.safeParse(id).success)
    throw new UsageError(`${JSON.stringify(id)} is not a valid ${kind} id`, { fix: 'ids are kebab-case: lower-case letters, digits and dashes' });
}

function chapter(state: LabState, chapterId: string): ChapterRecord {
  assertId('chapter', chapterId);
  state.chapters[chapterId] ??= { steps: {}, checks: [], params: {} };
  return state.chapters[chapterId];
}

export function recordStep(state: LabState, chapterId: string, stepId: string, outcome: StepOutcome, at: Date = new Date()): void {
  assertId('step', stepId);
  const record: StepRecord = {
    status: outcome.status,
    at: at.toISOString(),
    changed: outcome.changed,
    params: { ...outcome.params },
    artifacts: { ...outcome.artifacts },
  };
  if (outcome.message !== undefined) record.message = outcome.message;
  chapter(state, chapterId).steps[stepId] = record;
}

/** Replace a chapter's last check results with this run's. */
export function recordChecks(state: LabState, chapterId: string, results: Array<Omit<CheckRecord, 'at'> & { at?: string }>, at: Date = new Date()): void {
  chapter(state, chapterId).checks = results.map((result) => ({ ...result, at: result.at ?? at.toISOString() }));
}

/** Merge values into a chapter's free-form params. */
export function setChapterParams(state: LabState, chapterId: string, params: ChapterRecord['params']): void {
  Object.assign(chapter(state, chapterId).params, params);
}

/** Forget a chapter's progress (after a reset of its machines). */
export function forgetChapter(state: LabState, chapterId: string): void {
  assertId('chapter', chapterId);
  delete state.chapters[chapterId];
}

export function stepStatus(state: LabState | undefined, chapterId: string, stepId: string): StepRecord['status'] | undefined {
  return state?.chapters[chapterId]?.steps[stepId]?.status;
}
