import { setFlagsFromString } from 'node:v8';
import { render } from 'ink';
import type { TutorSession } from '../engine/session.js';
import { App } from './components/App.js';
import { createIntents } from './intents.js';
import { loadMarkdownRenderer } from './markdown.js';
import { createTutorStore } from './store.js';
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
 * The terminal is restored on every way out, including a crash or a signal.
 */
export async function startTutor(session: TutorSession, options: TutorOptions): Promise<number> {
  // The tutor keeps about 20 MB alive but makes garbage on every frame; with V8's default heap
  // growth the resident size climbs to 115-130 MB after a walk through the chapters, with this
  // flag it stays near 90 MB (bench/tui.ts). The heavy work (SSH, PKI) is native or I/O bound.
  setFlagsFromString('--optimize-for-size');
  const color = !options.noColor && !process.env.NO_COLOR;
  const store = createTutorStore(session.lab);
  const terminal = borrowTerminal(options);
  let exitCode = 0;
  let instance: ReturnType<typeof render> | undefined;
  const guards = installCrashGuards(() => {
    instance?.unmount();
    terminal.restore();
  });
  try {
    const intents = createIntents(session, store, {
      exit(code) {
        exitCode = code;
        instance?.unmount();
      },
    });
    instance = render(
      <ThemeContext.Provider value={{ color }}>
        <App store={store} intents={intents} sshHint={(host) => session.sshHint(host)} />
      </ThemeContext.Provider>,
      { stdin: options.stdin, stdout: options.stdout, exitOnCtrlC: false, patchConsole: true },
    );
    void intents
      .start()
      .catch((error: unknown) =>
        store.setState({ loading: false, notice: { text: `could not start: ${error instanceof Error ? error.message : String(error)}`, tone: 'error' } }),
      )
      // Load the Markdown renderer once the first screen is up, while the learner reads it.
      .finally(() => setTimeout(() => void loadMarkdownRenderer(), 50).unref());
    await instance.waitUntilExit();
    await intents.idle();
    return exitCode;
  } finally {
    terminal.restore();
    guards.uninstall();
  }
}
