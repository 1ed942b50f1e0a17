/**
 * Replay: re-runs, in order, the chapters a lab's state records as done, onto the same machines or
 * onto another lab's, with the same parameters. Progress is recorded in the target lab (its state
 * file for steps, `replay.json` for the replay itself) so a failed or killed replay resumes on the
 * next call; a replay that finds everything in place reports 0 changed.
 */
import type { EventSink } from '../engine/events.js';
import type { StepRecord } from '../engine/run-plan.js';
import type { StepFailed } from '../engine/run-step.js';
import type { ChapterModule } from '../plan/chapter.js';
import type { LabState } from '../state/index.js';
import { certificateProfiles } from '../plan/certificates.js';
import { UsageError } from '../util/errors.js';
import { copyLabSecrets, labSecrets } from './copy-lab-secrets.js';
import { clearReplayProgress, readReplayProgress, writeReplayProgress, type ReplayProgress } from './replay-progress.js';
import { recordedParams } from './recorded-params.js';
import type { LabSession } from './session.js';

export interface ReplayOptions {
  /** First and last chapter to replay (ids, numbers or slugs). */
  from?: string;
  until?: string;
  /** With a target lab: let its own generators make a new PKI instead of copying the source's. */
  newPki?: boolean;
  emit?: EventSink;
  signal?: AbortSignal;
  /** Called when a chapter starts (after any resume decision). */
  onChapter?: (chapter: ChapterModule, resumeFrom: string | undefined) => void;
}

export interface ReplayedChapter {
  chapter: string;
  /** Already finished by an earlier call of this replay. */
  skipped: boolean;
  changed: number;
  steps: StepRecord[];
}

export interface ReplayResult {
  ok: boolean;
  changed: number;
  /** True when this call resumed an unfinished replay. */
  resumed: boolean;
  chapters: ReplayedChapter[];
  /** Files copied into the target lab's directory (--to). */
  copiedSecrets: string[];
  failure?: StepFailed;
}

/**
 * The chapters the source lab has finished (every step done), in teaching order, within from..until,
 * up to the first one that is not finished: each chapter builds on the ones before it.
 */
export async function doneChapters(source: LabSession, state: LabState | undefined, from?: string, until?: string): Promise<ChapterModule[]> {
  const first = from === undefined ? 0 : source.chapter(from).meta.number;
  const last = until === undefined ? Infinity : source.chapter(until).meta.number;
  if (first > last)
    throw new UsageError(`--from ${from} comes after --until ${until}`, { where: 'kthw replay', fix: 'give --from an earlier chapter than --until' });
  const done: ChapterModule[] = [];
  for (const module of source.chapters.filter((m) => m.meta.number >= first && m.meta.number <= last)) {
    const plan = await source.planFrom(module, state);
    const steps = state?.chapters[module.meta.id]?.steps ?? {};
    if (plan.steps.length === 0 || !plan.steps.every((step) => steps[step.id]?.status === 'done')) break;
    done.push(module);
  }
  return done;
}

export async function replay(source: LabSession, target: LabSession, options: ReplayOptions = {}): Promise<ReplayResult> {
  const sourceState = await source.store.read();
  const targetDir = target.store.paths.dir;
  const previous = await readReplayProgress(targetDir);
  // An unfinished replay keeps its chapter list: replaying onto the same lab records the failed step
  // in the very state the list was taken from, so recomputing it would drop the failed chapter.
  const resumable = previous !== undefined && previous.source === source.labFile ? previous : undefined;
  const ranged = options.from !== undefined || options.until !== undefined;
  const computed = resumable && !ranged ? resumable.chapters : (await doneChapters(source, sourceState, options.from, options.until)).map((c) => c.meta.id);
  const resumed = resumable !== undefined && sameList(resumable.chapters, computed);
  const wanted = computed;
  if (wanted.length === 0) {
    throw new UsageError(`lab ${source.lab.name} records no finished chapter${ranged ? ' in that range' : ''} to replay`, {
      where: source.store.paths.stateFile,
      fix: 'finish chapters with `kthw run chapter-N` (or `kthw learn`) first',
    });
  }
  const other = target !== source;
  if (other && !options.newPki && !pkiFits(source, target)) {
    throw new UsageError(`the certificates of lab ${source.lab.name} name its own hosts and addresses, and lab ${target.lab.name}'s differ`, {
      where: 'kthw replay --to',
      fix: 'replay with --new-pki: the other lab then makes its own PKI, jumpbox key and encryption key',
    });
  }
  const copiedSecrets = other && !options.newPki ? await copyLabSecrets(source.store.paths.dir, target.store.paths.dir, labSecrets(source.chapters)) : [];
  if (other) {
    for (const id of wanted) {
      const recorded = recordedParams(sourceState, id);
      if (Object.keys(recorded).length > 0) await target.setParams(id, recorded);
    }
  }

  const progress: ReplayProgress = resumed ? resumable : { source: source.labFile, chapters: wanted, done: [], startedAt: new Date().toISOString() };
  await writeReplayProgress(targetDir, progress);

  const result: ReplayResult = { ok: true, changed: 0, resumed, chapters: [], copiedSecrets };
  for (const id of wanted) {
    if (progress.done.includes(id)) {
      result.chapters.push({ chapter: id, skipped: true, changed: 0, steps: [] });
      continue;
    }
    const module = target.chapter(id);
    const fromStep = resumed ? await firstUnreplayedStep(target, module, progress.startedAt) : undefined;
    options.onChapter?.(module, fromStep);
    const run = await target.run(id, { fromStep, emit: options.emit, signal: options.signal });
    result.chapters.push({ chapter: id, skipped: false, changed: run.changed, steps: run.steps });
    result.changed += run.changed;
    if (!run.ok) return { ...result, ok: false, ...(run.failure ? { failure: run.failure } : {}) };
    progress.done.push(id);
    await writeReplayProgress(targetDir, progress);
  }
  await clearReplayProgress(targetDir);
  return result;
}

/** The first step of a chapter this replay has not finished on the target (undefined: start at the top). */
async function firstUnreplayedStep(target: LabSession, module: ChapterModule, startedAt: string): Promise<string | undefined> {
  const state = await target.store.read();
  const records = state?.chapters[module.meta.id]?.steps ?? {};
  const plan = await target.planFrom(module, state);
  const index = plan.steps.findIndex((step) => !(records[step.id]?.status === 'done' && records[step.id]!.at >= startedAt));
  return index > 0 ? plan.steps[index]!.id : undefined;
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

type CourseOnLab = Pick<LabSession, 'lab' | 'chapters'>;

/** Whether a PKI made for `source` serves `target`: the same certificates, names and addresses. */
export function pkiFits(source: CourseOnLab, target: CourseOnLab): boolean {
  return JSON.stringify(certificateProfiles(source.chapters, source.lab)) === JSON.stringify(certificateProfiles(target.chapters, target.lab));
}
