/**
 * What the learner asks for, carried out against the session. The only place the TUI calls the
 * engine: components send intents here and render the store that these functions update.
 */
import type { ChapterAutomation } from '../automation/ansible/chapter-automation.js';
import type { TutorSession } from '../engine/session.js';
import type { ChapterMeta, Plan } from '../plan/types.js';
import { KthwError } from '../util/errors.js';
import { automationPage, automationPageError } from './automation-page.js';
import type { Intent } from './keymap.js';
import { composeLesson } from './lesson-document.js';
import { applyEngineEvent, currentStep, finishRun, isRunning, type Screen, type TutorStore } from './store.js';

/** A session that can build a chapter's Ansible role shows it as each lesson's closing page (src/app/session.ts does). */
export type LearnerSession = TutorSession & {
  automation?(chapter: { meta: ChapterMeta; plan: Plan }): Promise<ChapterAutomation>;
  /** Loads what `automation` needs ahead of time, while the learner reads the first screen. */
  preloadAutomation?(): Promise<unknown>;
};

export interface Intents {
  start(): Promise<void>;
  dispatch(intent: Intent): void;
  /** Called by a scrollable view once it knows how far its content can scroll. */
  reportScrollMax: (max: number) => void;
  /** Called by the lesson view once it knows the line where the lesson's closing page starts. */
  reportLessonAnchor: (line: number) => void;
  /** Settles once any running step or check has stopped. */
  idle(): Promise<void>;
}

export interface IntentHooks {
  /** Leave the tutor with this exit code. */
  exit(code: number): void;
}

/** How long quitting waits for a cancelled step to be recorded before leaving anyway. */
const QUIT_PATIENCE_MS = 5000;

const describeError = (error: unknown) =>
  error instanceof KthwError ? { message: error.message, fix: error.fix } : { message: error instanceof Error ? error.message : String(error) };

export function createIntents(session: LearnerSession, store: TutorStore, hooks: IntentHooks): Intents {
  let busy: { controller: AbortController; done: Promise<void> } | undefined;
  const set = store.setState;
  const get = store.getState;

  const notify = (text: string, tone: 'info' | 'error' = 'info', chapter?: string) => set({ notice: { text, tone, ...(chapter ? { chapter } : {}) } });

  /** Runs one engine operation at a time, cancellable by Ctrl-C; failures become notices. */
  function work(task: (signal: AbortSignal) => Promise<void>): void {
    if (busy) return notify('kthw is busy: wait for it to finish or press Ctrl-C to cancel');
    const controller = new AbortController();
    const done = task(controller.signal)
      .catch((error) => notify(describeError(error).message, 'error'))
      .finally(() => {
        busy = undefined;
        return refreshProgress();
      });
    busy = { controller, done };
  }

  async function refreshProgress(): Promise<void> {
    try {
      set({ chapters: await session.progress() });
    } catch (error) {
      notify(`could not read progress: ${describeError(error).message}`, 'error');
    }
  }

  async function openChapter(chapterId: string, target: { screen: 'lesson' | 'step'; step?: string; automation?: boolean }): Promise<void> {
    const plan = await session.plan(chapterId);
    const markdown = composeLesson(await session.lesson(chapterId), plan);
    const stepIndex = Math.max(
      0,
      plan.steps.findIndex((s) => s.id === target.step),
    );
    const chapterCursor = Math.max(
      0,
      get().chapters.findIndex((c) => c.meta.id === chapterId),
    );
    set({
      chapterId,
      chapterCursor,
      lesson: { chapter: chapterId, markdown },
      lessonAnchor: undefined,
      jumpToAutomation: target.automation === true,
      steps: plan.steps,
      stepIndex,
      screen: target.screen,
      panel: 'menu',
      scroll: 0,
      scrollMax: 0,
    });
    // The closing page is built after the lesson's first frame is out, so opening a lesson costs no more than before.
    setTimeout(() => {
      void closingPage(chapterId, plan).then((automation) => {
        const lesson = get().lesson;
        if (lesson?.chapter === chapterId && lesson.markdown === markdown && lesson.automation === undefined) set({ lesson: { ...lesson, automation } });
      });
    }, 0);
  }

  /** "What you did, as automation", built from the same plan as the lesson; a failure is the page's one line. */
  async function closingPage(chapterId: string, plan: Plan): Promise<string> {
    try {
      const meta = get().chapters.find((c) => c.meta.id === chapterId)?.meta;
      if (!meta) throw new Error(`${chapterId} is not among this lab's chapters`);
      if (session.automation === undefined) throw new Error('this session does not say where the lab directory is');
      return automationPage(meta, await session.automation({ meta, plan }), session.lab);
    } catch (error) {
      const { message, fix } = describeError(error);
      return automationPageError(fix ? `${message} (${fix})` : message);
    }
  }

  /** The closing page of the chapter in view: scrolled to when the lesson is open, else the lesson opens there. */
  function showAutomation(): void {
    const state = get();
    const chapterId =
      state.screen === 'chapters'
        ? state.chapters[state.chapterCursor]?.meta.id
        : state.screen === 'checks'
          ? (state.checks?.chapter ?? state.chapterId)
          : state.chapterId;
    if (!chapterId) return;
    if (state.lesson?.chapter !== chapterId) return open(chapterId, { screen: 'lesson', automation: true });
    if (state.screen === 'lesson' && state.lessonAnchor !== undefined) return set({ scroll: Math.min(state.lessonAnchor, state.scrollMax), notice: undefined });
    set({ screen: 'lesson', jumpToAutomation: true, scroll: 0, scrollMax: 0, notice: undefined });
  }

  const open = (chapterId: string, target: { screen: 'lesson' | 'step'; step?: string; automation?: boolean }) =>
    void openChapter(chapterId, target).catch((error) => notify(describeError(error).message, 'error'));

  async function start(): Promise<void> {
    await refreshProgress();
    const chapters = get().chapters;
    const resumeAt = chapters.findIndex((c) => c.status !== 'done');
    set({ loading: false, chapterCursor: Math.max(0, resumeAt) });
    if (resumeAt < 0) return notify(chapters.length ? 'Every chapter is done. Press c on one to check it again.' : 'No chapters apply to this lab yet.');
    const chapter = chapters[resumeAt]!;
    if (chapter.stepsDone > 0 && chapter.nextStep !== undefined) {
      await openChapter(chapter.meta.id, { screen: 'step', step: chapter.nextStep });
      const step = currentStep(get());
      notify(`Welcome back: ${chapter.meta.title}, step “${step?.title ?? chapter.nextStep}”.`, 'info', chapter.meta.id);
    } else if (chapter.status === 'checks-failed') {
      notify(`${chapter.meta.title}: its checks failed last time. Press c to check it again.`, 'info', chapter.meta.id);
    }
  }

  function runSteps(mode: 'step' | 'rest'): void {
    const state = get();
    const step = currentStep(state);
    const chapter = state.chapterId;
    if (state.screen !== 'step' || !step || !chapter) return;
    work(async (signal) => {
      set({
        panel: 'run',
        scroll: 0,
        notice: undefined,
        run: { chapter, step: step.id, status: 'running', cancelRequested: false, startedAt: Date.now(), output: [], partial: '', actions: [] },
      });
      const options = mode === 'step' ? { onlyStep: step.id } : { fromStep: step.id };
      try {
        const result = await session.run(chapter, { ...options, signal, emit: (event) => applyEngineEvent(store, event) });
        const cancelled = get().run?.cancelRequested === true;
        if (result.ok) finishRun(store, 'done');
        else finishRun(store, cancelled ? 'cancelled' : 'failed', result.failure ? { message: result.failure.message, fix: result.failure.fix } : undefined);
      } catch (error) {
        finishRun(store, get().run?.cancelRequested ? 'cancelled' : 'failed', describeError(error));
      }
    });
  }

  function check(): void {
    const state = get();
    const chapter = state.screen === 'chapters' ? state.chapters[state.chapterCursor]?.meta.id : state.chapterId;
    if (!chapter) return;
    const returnTo: Screen = state.screen === 'checks' ? state.returnTo : state.screen;
    work(async (signal) => {
      set({ screen: 'checks', returnTo, scroll: 0, scrollMax: 0, notice: undefined, checks: { chapter, status: 'running', results: [] } });
      try {
        const results = await session.verify(chapter, { signal });
        set({ checks: { chapter, status: 'done', results } });
      } catch (error) {
        set({ checks: { chapter, status: 'error', results: [], error: describeError(error).message } });
      }
    });
  }

  function interrupt(): void {
    if (busy && !busy.controller.signal.aborted) {
      const run = get().run;
      if (run?.status === 'running') set({ run: { ...run, cancelRequested: true } });
      busy.controller.abort();
      return notify('Cancelling… (Ctrl-C again quits)');
    }
    quit();
  }

  function quit(): void {
    if (busy && !busy.controller.signal.aborted) {
      busy.controller.abort();
      notify('Stopping the running step before leaving…');
      // The engine records the cancelled step before it settles; leave once it has (or soon anyway).
      const patience = new Promise<void>((resolve) => setTimeout(resolve, QUIT_PATIENCE_MS).unref());
      void Promise.race([busy.done, patience]).finally(() => hooks.exit(0));
      return;
    }
    hooks.exit(0);
  }

  function reset(): void {
    const state = get();
    const chapter = state.screen === 'chapters' ? state.chapters[state.chapterCursor] : state.chapters.find((c) => c.meta.id === state.chapterId);
    if (!chapter) return;
    if (!session.resetHost) return notify('Resetting machines works on the local lab only.');
    if (state.confirm !== 'reset') {
      set({ confirm: 'reset' });
      return notify(`Press x again to put every machine back to the start of ${chapter.meta.title}; any other key keeps them.`);
    }
    set({ confirm: undefined });
    work(async () => {
      notify(`Resetting the machines to the start of ${chapter.meta.title}…`);
      await session.resetHost!('all', chapter.meta.id);
      notify(`The machines are back at the start of ${chapter.meta.title}.`);
    });
  }

  function move(delta: number): void {
    const state = get();
    if (state.screen === 'chapters') {
      const last = Math.max(0, state.chapters.length - 1);
      return set({ chapterCursor: Math.min(last, Math.max(0, state.chapterCursor + delta)) });
    }
    set({ scroll: Math.min(state.scrollMax, Math.max(0, state.scroll + delta)) });
  }

  function stepBy(delta: number): void {
    const state = get();
    const index = state.stepIndex + delta;
    if (index < 0) return notify('This is the first step of the chapter.');
    if (index >= state.steps.length) return notify('That was the last step: press c to check the chapter, a to see it as automation.');
    set({ stepIndex: index, panel: 'menu', scroll: 0, scrollMax: 0, notice: undefined });
  }

  function chapterBy(delta: number): void {
    const state = get();
    const index = (state.screen === 'chapters' ? state.chapterCursor : state.chapters.findIndex((c) => c.meta.id === state.chapterId)) + delta;
    const chapter = state.chapters[index];
    if (!chapter) return notify(delta > 0 ? 'This is the last chapter.' : 'This is the first chapter.');
    open(chapter.meta.id, { screen: 'lesson' });
  }

  function select(): void {
    const state = get();
    switch (state.screen) {
      case 'chapters': {
        const chapter = state.chapters[state.chapterCursor];
        return chapter && open(chapter.meta.id, { screen: 'lesson' });
      }
      case 'lesson': {
        const progress = state.chapters.find((c) => c.meta.id === state.chapterId);
        const index = Math.max(
          0,
          state.steps.findIndex((s) => s.id === progress?.nextStep),
        );
        return set({ screen: 'step', stepIndex: index, panel: 'menu', scroll: 0, scrollMax: 0 });
      }
      case 'step':
        if (state.run?.status === 'done' && state.run.step === currentStep(state)?.id) return stepBy(1);
        return;
      default:
        return back();
    }
  }

  function back(): void {
    const state = get();
    if (state.screen === 'step' && state.panel !== 'menu' && !isRunning(state)) return set({ panel: 'menu', scroll: 0, scrollMax: 0 });
    const to: Record<Screen, Screen> = { chapters: 'chapters', lesson: 'chapters', step: 'lesson', checks: state.returnTo, topology: state.returnTo };
    set({ screen: to[state.screen], scroll: 0, scrollMax: 0 });
  }

  function panel(which: 'type' | 'explain'): void {
    const state = get();
    if (state.screen !== 'step' || isRunning(state)) return;
    set({ panel: state.panel === which ? 'menu' : which, scroll: 0, scrollMax: 0 });
  }

  function dispatch(intent: Intent): void {
    const state = get();
    if (state.confirm && intent.type !== 'reset') set({ confirm: undefined, notice: undefined });
    if (state.help && intent.type !== 'interrupt') return set({ help: false });
    switch (intent.type) {
      case 'interrupt':
        return interrupt();
      case 'quit':
        return quit();
      case 'help':
        return set({ help: true });
      case 'back':
        return back();
      case 'move':
        return move(intent.delta);
      case 'select':
        return select();
      case 'run':
        return runSteps('step');
      case 'run-rest':
        return runSteps('rest');
      case 'type':
      case 'explain':
        return panel(intent.type);
      case 'check':
        return check();
      case 'next':
      case 'previous':
        if (state.screen === 'step') return stepBy(intent.type === 'next' ? 1 : -1);
        if (state.screen === 'chapters') return move(intent.type === 'next' ? 1 : -1);
        return chapterBy(intent.type === 'next' ? 1 : -1);
      case 'topology':
        if (state.screen === 'topology') return back();
        return set({ screen: 'topology', returnTo: state.screen === 'checks' ? state.returnTo : state.screen, scroll: 0, scrollMax: 0 });
      case 'reset':
        return reset();
      case 'automation':
        return showAutomation();
    }
  }

  return {
    start,
    dispatch,
    reportScrollMax: (max) => {
      if (get().scrollMax !== max) set({ scrollMax: max, scroll: Math.min(get().scroll, max) });
    },
    reportLessonAnchor: (line) => {
      const { lessonAnchor, jumpToAutomation, scrollMax } = get();
      if (jumpToAutomation) return set({ lessonAnchor: line, jumpToAutomation: false, scroll: Math.min(line, scrollMax) });
      if (lessonAnchor !== line) set({ lessonAnchor: line });
    },
    idle: async () => {
      while (busy) await busy.done;
    },
  };
}
