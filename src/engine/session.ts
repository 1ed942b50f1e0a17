/**
 * What front ends (the TUI, `kthw run`/`verify`, replay) hold: one lab, its chapters' plans, and
 * the operations on them. The CLI composes a real session from the lab file, the state file, the
 * SSH pool and the chapter registry; front ends only call these methods and listen to events.
 */
import type { CheckResult } from '../../checks/types.js';
import type { Lab } from '../lab/types.js';
import type { ChapterMeta, Plan } from '../plan/types.js';
import type { EventSink } from './events.js';
import type { RunPlanResult } from './run-plan.js';

export type ChapterStatus = 'not-started' | 'in-progress' | 'done' | 'failed' | 'checks-failed';

export interface ChapterProgress {
  meta: ChapterMeta;
  status: ChapterStatus;
  stepsDone: number;
  stepsTotal: number;
  /** The first step not yet done: where "resume" goes. */
  nextStep?: string;
  lastChecks?: { at: string; passed: number; failed: number };
}

export interface RunOptions {
  fromStep?: string;
  /** Run only this step. */
  onlyStep?: string;
  signal?: AbortSignal;
  emit?: EventSink;
}

export interface TutorSession {
  lab: Lab;
  /** Chapters that apply to this lab's track, in order, with progress from the state file. */
  progress(): Promise<ChapterProgress[]>;
  lesson(chapterId: string): Promise<string>;
  /** The plan as `run` would apply it now: with the parameters the state file records (e.g. `mirror`). */
  plan(chapterId: string): Promise<Plan>;
  run(chapterId: string, options?: RunOptions): Promise<RunPlanResult>;
  verify(chapterId: string, options?: { signal?: AbortSignal }): Promise<CheckResult[]>;
  /** How a learner reaches a host by hand: `kthw lab ssh node-0` or an ssh command line. */
  sshHint(host: string): string;
  /** Local lab only: put a machine (a host name, or `all`) back to its state at the start of a chapter. */
  resetHost?(host: string, toChapter: string): Promise<void>;
  close(): Promise<void>;
}
