import { setFlagsFromString } from 'node:v8';
import { render } from 'ink';
import type { ReactNode } from 'react';
import { App } from './components/App.js';
import { Opening } from './components/Opening.js';
import { createIntents, type LearnerSession } from './intents.js';
import { loadMarkdownRenderer } from './markdown.js';
import { createTutorStore, type TutorStore } from './store.js';
import { borrowTerminal, installCrashGuards } from './terminal.js';
import { ThemeContext } from './theme.js';

export interface TutorOptions {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  /** No colour (--no-color); NO_COLOR in the environment is honoured as well. */
  noColor: boolean;
}

/**
 * Runs the guided tutor on a terminal until the learner quits; resolves with the exit code.
 * `session` may still be opening: the first frame is drawn at once and the tutor follows when
 * it is ready (if it fails to open, the terminal is restored and the error is thrown).
 * The terminal is restored on every way out, including a crash or a signal.
 */
export async function startTutor(session: LearnerSession | Promise<LearnerSession>, options: TutorOptions): Promise<number> {
  const color = !options.noColor && !process.env.NO_COLOR;
  const themed = (node: ReactNode) => <ThemeContext.Provider value={{ color }}>{node}</ThemeContext.Provider>;
  const terminal = borrowTerminal(options);
  let exitCode = 0;
  let instance: ReturnType<typeof render> | undefined;
  let leaving = false;
  const leave = () => {
    leaving = true;
    instance?.unmount();
  };
  const guards = installCrashGuards(() => {
    instance?.unmount();
    terminal.restore();
  });
  try {
    instance = render(themed(<Opening columns={options.stdout.columns || 80} rows={options.stdout.rows || 24} onQuit={leave} />), {
      stdin: options.stdin,
      stdout: options.stdout,
      exitOnCtrlC: false,
      // Stray console output is kept off the screen; a test runner's own console cannot be patched.
      patchConsole: typeof console.Console === 'function',
    });
    const ready = await Promise.resolve(session).catch((error: unknown) => {
      instance?.unmount();
      throw error;
    });
    if (leaving) {
      await instance.waitUntilExit();
      return exitCode;
    }
    const store = createTutorStore(ready.lab);
    const intents = createIntents(ready, store, {
      exit(code) {
        exitCode = code;
        leave();
      },
    });
    const starting = intents
      .start()
      .catch((error: unknown) =>
        store.setState({ loading: false, notice: { text: `could not start: ${error instanceof Error ? error.message : String(error)}`, tone: 'error' } }),
      );
    // The tutor is drawn once the chapter list can be: a "Reading your progress…" frame a few ms
    // earlier would cost a render and hold the list back by Ink's frame throttle (bench/tui.ts).
    await Promise.race([untilLoaded(store, starting), instance.waitUntilExit()]);
    if (!leaving) instance.rerender(themed(<App store={store} intents={intents} sshHint={(host) => ready.sshHint(host)} />));
    void starting.finally(() => {
      // The tutor keeps about 20 MB alive but makes garbage on every frame; with V8's default heap
      // growth the resident size climbs to 115-130 MB after a walk through the chapters, with this
      // flag it stays near 90 MB (bench/tui.ts). Set after the first screen, which it would slow.
      setFlagsFromString('--optimize-for-size');
      // Load the Markdown renderer and the role builder once the first screen is up, while the learner reads it.
      setTimeout(() => void loadMarkdownRenderer().then(() => ready.preloadAutomation?.()), 50).unref();
    });
    await instance.waitUntilExit();
    await intents.idle();
    return exitCode;
  } finally {
    terminal.restore();
    guards.uninstall();
  }
}

/** Resolves when the store has left its loading state (progress read), or when `starting` settles. */
function untilLoaded(store: TutorStore, starting: Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    if (!store.getState().loading) return resolve();
    const unsubscribe = store.subscribe((state) => {
      if (state.loading) return;
      unsubscribe();
      resolve();
    });
    void starting.finally(() => {
      unsubscribe();
      resolve();
    });
  });
}
