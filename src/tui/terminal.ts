/**
 * The terminal is borrowed, and always given back: alternate screen and hidden cursor while the
 * tutor runs; on quit, on a crash, and on a signal, the screen, cursor and line mode are restored.
 */
import { constants } from 'node:os';

const ENTER = '\u001b[?1049h\u001b[?25l\u001b[H';
const LEAVE = '\u001b[?25h\u001b[?1049l';

export interface TerminalStreams {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
}

export interface BorrowedTerminal {
  /** Gives the terminal back; safe to call more than once. */
  restore(): void;
}

export function borrowTerminal({ stdin, stdout }: TerminalStreams): BorrowedTerminal {
  stdout.write(ENTER);
  let restored = false;
  return {
    restore() {
      if (restored) return;
      restored = true;
      try {
        if (stdin.isTTY && stdin.isRaw) stdin.setRawMode(false);
      } catch {
        // stdin already closed: nothing to restore there.
      }
      stdout.write(LEAVE);
    },
  };
}

export interface CrashGuards {
  uninstall(): void;
}

const SIGNALS = ['SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGINT'] as const;

/**
 * On an uncaught exception, an unhandled rejection or a terminating signal: run `cleanup` (unmount,
 * restore the terminal), say what happened on stderr, and exit (4 for a crash, 128+n for signal n).
 */
export function installCrashGuards(cleanup: () => void, stderr: NodeJS.WriteStream = process.stderr): CrashGuards {
  const safeCleanup = () => {
    try {
      cleanup();
    } catch {
      // Exiting anyway; a failing cleanup must not hide the original error.
    }
  };
  const crash = (error: unknown) => {
    safeCleanup();
    const text = error instanceof Error ? (process.env.KTHW_DEBUG === '1' ? (error.stack ?? error.message) : error.message) : String(error);
    stderr.write(`error: internal error in kthw learn: ${text}\n  fix:   this is a bug in kthw; run again with KTHW_DEBUG=1 and report the stack trace\n`);
    process.exit(4);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    safeCleanup();
    process.exit(128 + (constants.signals[signal] ?? 15));
  };
  const onExit = () => safeCleanup();
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  process.on('exit', onExit);
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return {
    uninstall() {
      process.off('uncaughtException', crash);
      process.off('unhandledRejection', crash);
      process.off('exit', onExit);
      for (const signal of SIGNALS) process.off(signal, onSignal);
    },
  };
}
