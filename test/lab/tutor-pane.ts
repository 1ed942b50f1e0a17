/**
 * `kthw learn` in a real terminal: a tmux pane of 80×24 running the kthw binary on a lab, the keys a
 * person would press, and what the pane shows. Once the tutor has ended, the pane's shell prints
 * the exit code and `stty -a`, so a test can see the terminal was given back sane.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect } from 'vitest';
import { KTHW_BIN } from '../support/run-kthw.js';

const root = resolve(import.meta.dirname, '../..');

export function tutorPane(labFile: string, home: string, name: string) {
  // A new tmux server for each opening: a server whose last session was killed exits, and a session
  // asked of it meanwhile fails with "server exited unexpectedly".
  let socket = '';
  let servers = 0;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

  function close(): void {
    try {
      if (socket) tmux('kill-server');
    } catch {
      // already gone
    }
  }

  const screen = () => tmux('capture-pane', '-p', '-t', 'learn');

  async function waitFor(test: string | RegExp, timeoutMs = 120_000): Promise<string> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const shown = screen();
      if (typeof test === 'string' ? shown.includes(test) : test.test(shown)) return shown;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${String(test)}; screen:\n${screen()}`);
  }

  return {
    tmux,
    screen,
    waitFor,
    close,
    open(): void {
      close();
      servers += 1;
      socket = `kthw-${name}-${process.pid}-${servers}`;
      const script = `cd ${root}; env KTHW_HOME=${home} ${process.execPath} ${KTHW_BIN} --lab ${labFile} learn; echo "EXIT=$?"; stty -a; sleep 900`;
      tmux('new-session', '-d', '-s', 'learn', '-x', '80', '-y', '24', 'bash', '-c', script);
    },
    keys: (...k: string[]) => tmux('send-keys', '-t', 'learn', ...k),
    /**
     * Esc until `screen` shows: one press at a time, each given a moment, since two escapes that
     * reach the terminal together are read as one (Alt+Esc).
     */
    async backTo(screenShows: string | RegExp): Promise<string> {
      for (let attempt = 0; attempt < 5; attempt++) {
        tmux('send-keys', '-t', 'learn', 'Escape');
        try {
          return await waitFor(screenShows, 3000);
        } catch {
          // not there yet: press again
        }
      }
      return waitFor(screenShows, 1000);
    },
    /** Waits for the run shown to end and expects it to have succeeded, showing the screen otherwise. */
    async expectRunDone(timeoutMs = 300_000): Promise<void> {
      const shown = await waitFor(/✓ done · (\d+m)?[\d.]+s|✗ failed · (\d+m)?[\d.]+s/, timeoutMs);
      expect(shown, shown).toMatch(/✓ done · (\d+m)?[\d.]+s/);
    },
    /** The tutor has ended with exit code 0 and given the terminal back as it found it. */
    async expectRestored(): Promise<string> {
      const shown = await waitFor(/EXIT=\d+[\s\S]*extproc/);
      expect(shown).toContain('EXIT=0');
      expect(shown).toMatch(/(^|\s)icanon(\s|$)/m);
      expect(shown).toMatch(/(^|\s)echo(\s|$)/m);
      expect(tmux('display-message', '-p', '-t', 'learn', '#{alternate_on} #{cursor_flag}').trim()).toBe('0 1');
      return shown;
    },
  };
}
