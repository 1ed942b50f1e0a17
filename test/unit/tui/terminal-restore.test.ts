import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Progress } from '../../fixtures/local-session.js';

// The tutor in a real terminal (a tmux pane, 80×24): whatever way it ends, the terminal it leaves
// has the alternate screen off, the cursor shown and line mode (icanon, echo) back on.
const root = resolve(import.meta.dirname, '../../..');
// A tmux server of its own for each test: a server whose last session was killed exits, and a new
// session asked of it while it is exiting fails with "server exited unexpectedly".
let socket = '';
let servers = 0;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
let dir: string;

function killServer(): void {
  try {
    if (socket) tmux('kill-server');
  } catch {
    // no server left
  }
}
function freshServer(): void {
  killServer();
  servers += 1;
  socket = `kthw-tui-test-${process.pid}-${servers}`;
}

beforeEach(() => {
  freshServer();
  dir = mkdtempSync(join(tmpdir(), 'kthw-pty-'));
});
afterEach(() => {
  killServer();
  rmSync(dir, { recursive: true, force: true });
});

function start(env: Record<string, string> = {}): void {
  const vars = Object.entries(env)
    .map(([k, v]) => `${k}=${v} `)
    .join('');
  const fixture = `${vars}${join(root, 'node_modules/.bin/tsx')} ${join(root, 'test/fixtures/tui-fixture.ts')} ${dir}`;
  // After the tutor ends, the shell reports its exit code and the terminal's line mode, then waits.
  const script = `cd ${root}; ${fixture}; echo "EXIT=$?"; stty -a; sleep 600`;
  tmux('new-session', '-d', '-s', 'tutor', '-x', '80', '-y', '24', 'bash', '-c', script);
}

const screen = () => tmux('capture-pane', '-p', '-t', 'tutor');
const paneState = () => tmux('display-message', '-p', '-t', 'tutor', '#{alternate_on} #{cursor_flag}').trim();
const keys = (...k: string[]) => tmux('send-keys', '-t', 'tutor', ...k);

async function waitFor(text: string | RegExp, timeoutMs = 30_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const shown = screen();
    if (typeof text === 'string' ? shown.includes(text) : text.test(shown)) return shown;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${String(text)}; screen:\n${screen()}`);
}

async function expectRestored(exitCode: number): Promise<string> {
  // Wait for all of stty's report (its last line names extproc), not just the exit code.
  const shown = await waitFor(/EXIT=\d+[\s\S]*extproc/);
  expect(shown).toContain(`EXIT=${exitCode}`);
  // stty prints `icanon` and `echo` when on, `-icanon` and `-echo` when the tutor left raw mode behind.
  expect(shown).toMatch(/(^|\s)icanon(\s|$)/m);
  expect(shown).toMatch(/(^|\s)echo(\s|$)/m);
  expect(paneState()).toBe('0 1');
  return shown;
}

describe('the terminal after kthw learn', () => {
  it('is restored after q; the tutor drew on the alternate screen without the cursor', async () => {
    start();
    await waitFor('A workspace');
    expect(paneState()).toBe('1 0');
    const frame = screen().split('\n');
    expect(frame[0]).toContain('kthw learn');
    keys('q');
    const shown = await expectRestored(0);
    // The tutor's frames stayed on the alternate screen.
    expect(shown).not.toContain('kthw learn');
  });

  it('is restored after Ctrl-C Ctrl-C during a running step, and the step is recorded as cancelled', async () => {
    start({ KTHW_FIXTURE_SLOW: '100' });
    await waitFor('A workspace');
    keys('j', 'Enter');
    await waitFor('A slow count · lesson');
    keys('Enter');
    await waitFor('Step 1/2');
    keys('r');
    await waitFor('count 3');
    keys('C-c');
    await waitFor('cancelled');
    keys('C-c');
    await expectRestored(0);
    const progress = JSON.parse(readFileSync(join(dir, 'progress.json'), 'utf8')) as Progress;
    expect(progress.steps['chapter-2']!.count!.status).toBe('failed');
  });

  it('is restored after a crash, which is reported with exit code 4', async () => {
    start({ KTHW_FIXTURE_CRASH_MS: '1500' });
    await waitFor('A workspace');
    const shown = await expectRestored(4);
    expect(shown).toContain('internal error in kthw learn: the fixture crashed on purpose');
  });

  it('is restored after SIGTERM', async () => {
    start();
    await waitFor('A workspace');
    const pid = tmux('display-message', '-p', '-t', 'tutor', '#{pane_pid}').trim();
    // The pane runs bash, which runs tsx, which runs node: signal the node process running the tutor.
    const node = execFileSync('pgrep', ['-f', '-P', execFileSync('pgrep', ['-P', pid], { encoding: 'utf8' }).trim().split('\n')[0]!, 'tui-fixture'], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n')[0]!;
    process.kill(Number(node), 'SIGTERM');
    await expectRestored(143);
  });

  it('draws its first frame while the session opens, then the tutor', async () => {
    start({ KTHW_FIXTURE_OPEN_MS: '2500' });
    await waitFor('Opening the lab…');
    expect(paneState()).toBe('1 0');
    await waitFor('A workspace');
    keys('q');
    await expectRestored(0);
  });

  it('q while the session opens leaves at once', async () => {
    start({ KTHW_FIXTURE_OPEN_MS: '4000' });
    await waitFor('Opening the lab…');
    keys('q');
    await expectRestored(0);
  });

  it('is restored when the session cannot open, and the error is shown on the normal screen', async () => {
    start({ KTHW_FIXTURE_OPEN_MS: '1000', KTHW_FIXTURE_OPEN_FAIL: '1' });
    await waitFor('Opening the lab…');
    const shown = await expectRestored(2);
    expect(shown).toContain('error: lab file fixture.yaml: hosts[1].name is not a valid host name');
    expect(shown).toContain('where: fixture.yaml:7:11');
  });

  it('resumes where the learner left off in a new process', async () => {
    start();
    await waitFor('A workspace');
    keys('Enter');
    await waitFor('A workspace · lesson');
    keys('Enter', 'r');
    await waitFor('✓ done');
    keys('q');
    await expectRestored(0);
    freshServer();
    start();
    await waitFor('Welcome back: A workspace, step “Write a note”');
    keys('q');
    await expectRestored(0);
  });
});
