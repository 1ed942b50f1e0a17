/**
 * The tutor's UI state: what the screens show. Engine events and session answers come in through
 * the setters below (called by intents.ts); components only read. The state file stays the durable
 * truth: progress here is a copy refreshed after every run and check.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CheckResult } from '../../checks/types.js';
import type { EngineEvent } from '../engine/events.js';
import type { ChapterProgress } from '../engine/session.js';
import type { Lab } from '../lab/types.js';
import type { Step } from '../plan/types.js';

export type Screen = 'chapters' | 'lesson' | 'step' | 'checks' | 'topology';
/** What the step view shows under the step's title. */
export type StepPanel = 'menu' | 'run' | 'type' | 'explain';

/** Lines of output kept per run: enough to read a failure, bounded so a chatty step costs no memory. */
export const OUTPUT_LINES_KEPT = 400;

/** Marks an output line that reports an action of the step rather than a command's output. */
export const ACTION_MARK = '▸ ';

export interface RunState {
  chapter: string;
  step: string;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  cancelRequested: boolean;
  startedAt: number;
  endedAt?: number;
  /** Complete lines, newest last; `partial` holds text after the last newline. */
  output: string[];
  partial: string;
  actions: Array<{ description: string; changed: boolean }>;
  message?: string;
  fix?: string;
}

export interface ChecksState {
  chapter: string;
  status: 'running' | 'done' | 'error';
  results: CheckResult[];
  error?: string;
}

export interface Notice {
  text: string;
  tone: 'info' | 'error';
  /** The chapter the notice speaks of: shown only while that chapter (or the chapter list) is on screen. */
  chapter?: string;
}

/** The notice for the status line: none when it is about a chapter other than the one on screen. */
export function visibleNotice(state: Pick<TutorState, 'notice' | 'screen' | 'chapterId'>): Notice | undefined {
  const { notice } = state;
  if (!notice?.chapter || state.screen === 'chapters') return notice;
  return state.chapterId === notice.chapter ? notice : undefined;
}

export interface TutorState {
  lab: Lab;
  screen: Screen;
  /** Where Esc from the topology or checks screen goes back to. */
  returnTo: Screen;
  help: boolean;
  chapters: ChapterProgress[];
  chapterCursor: number;
  chapterId?: string;
  /** `markdown`: the lesson with the learner's commands; `automation`: its closing page (automation-page.ts), once built. */
  lesson?: { chapter: string; markdown: string; automation?: string };
  /** The lesson line where the closing page starts, reported by the lesson view that rendered it. */
  lessonAnchor?: number;
  /** Scroll the lesson to its closing page as soon as the view reports where that is. */
  jumpToAutomation?: boolean;
  steps: Step[];
  stepIndex: number;
  panel: StepPanel;
  /** First line shown of a scrollable screen (lesson, step panels, checks, topology). */
  scroll: number;
  /** The last line a scrollable screen can start at, reported by the view that knows its height. */
  scrollMax: number;
  /** A destructive intent waiting for the same key again. */
  confirm?: 'reset';
  run?: RunState;
  checks?: ChecksState;
  notice?: Notice;
  loading: boolean;
}

export type TutorStore = StoreApi<TutorState>;

export function createTutorStore(lab: Lab): TutorStore {
  return createStore<TutorState>(() => ({
    lab,
    screen: 'chapters',
    returnTo: 'chapters',
    help: false,
    chapters: [],
    chapterCursor: 0,
    steps: [],
    stepIndex: 0,
    panel: 'menu',
    scroll: 0,
    scrollMax: 0,
    loading: true,
  }));
}

/**
 * Folds one engine event into the current run. Events of another chapter are ignored. The run's
 * final status is set by the intent when the engine's promise settles, not here.
 */
export function applyEngineEvent(store: TutorStore, event: EngineEvent): void {
  const state = store.getState();
  const run = state.run;
  if (!run || run.chapter !== event.chapter) return;
  switch (event.type) {
    case 'step-start': {
      const index = state.steps.findIndex((s) => s.id === event.step);
      const header = run.step === event.step ? run : appendOutput(flush(run), `── ${event.title} (on ${event.host}) ──\n`);
      return store.setState({ run: { ...header, step: event.step }, ...(index >= 0 ? { stepIndex: index } : {}) });
    }
    case 'output':
      return store.setState({ run: appendOutput(run, event.text) });
    case 'action': {
      const line = `${ACTION_MARK}${event.description.split('\n')[0]} — ${event.changed ? 'changed' : 'already so'}\n`;
      const withLine = appendOutput(flush(run), line);
      return store.setState({ run: { ...withLine, actions: [...run.actions, { description: event.description, changed: event.changed }] } });
    }
    case 'step-done':
      return store.setState({ run: flush(run) });
    case 'step-failed':
      return store.setState({ run: { ...flush(run), message: event.message, fix: event.fix } });
  }
}

/** Ends the current run with its final status. */
export function finishRun(store: TutorStore, status: 'done' | 'failed' | 'cancelled', failure?: { message: string; fix?: string }): void {
  const run = store.getState().run;
  if (!run) return;
  store.setState({ run: { ...flush(run), status, endedAt: Date.now(), message: failure?.message ?? run.message, fix: failure?.fix ?? run.fix } });
}

function appendOutput(run: RunState, text: string): RunState {
  const pieces = (run.partial + text).replace(/\r\n/g, '\n').split('\n');
  const partial = pieces.pop() ?? '';
  const output = pieces.length === 0 ? run.output : [...run.output, ...pieces].slice(-OUTPUT_LINES_KEPT);
  return { ...run, output, partial };
}

function flush(run: RunState): RunState {
  return run.partial === '' ? run : { ...run, output: [...run.output, run.partial].slice(-OUTPUT_LINES_KEPT), partial: '' };
}

export const currentStep = (state: TutorState): Step | undefined => state.steps[state.stepIndex];

export const currentChapter = (state: TutorState): ChapterProgress | undefined => state.chapters.find((c) => c.meta.id === state.chapterId);

export const isRunning = (state: TutorState): boolean => state.run?.status === 'running';
