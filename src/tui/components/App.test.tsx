import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalSession, type Progress } from '../../../test/fixtures/local-session.js';
import { keys, renderTutor } from '../../../test/fixtures/tui-render.js';
import { stepLines } from '../step-commands.js';

// The whole tutor over a real session: steps run with the real engine on this machine (bash),
// checks with the real check runner, progress in a real file.
let dir: string;
let views: Array<{ unmount(): void }> = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kthw-tui-'));
  views = [];
});
afterEach(async () => {
  views.forEach((v) => v.unmount());
  await rm(dir, { recursive: true, force: true });
});

const open = async (options: Parameters<typeof createLocalSession>[1] = {}) => {
  const session = await createLocalSession(dir, options);
  const tutor = await renderTutor(session);
  views.push(tutor);
  return { session, tutor };
};
const progressFile = async () => JSON.parse(await readFile(join(dir, 'progress.json'), 'utf8')) as Progress;
const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe('the tutor', () => {
  it('opens on the chapter list at the first chapter not done', async () => {
    const session = await createLocalSession(dir);
    await session.run('chapter-1');
    const { tutor } = await open();
    const frame = await tutor.waitFor('A slow count');
    expect(frame).toMatch(/ {2}✓ 01 {2}A workspace .* 3\/3 done/);
    expect(frame).toMatch(/› · 02 {2}A slow count/);
  });

  it('resumes at the step where the learner left off', async () => {
    const session = await createLocalSession(dir);
    await session.run('chapter-1', { onlyStep: 'make-dir' });
    const { tutor } = await open();
    const frame = await tutor.waitFor('Step 2/3');
    expect(frame).toContain('Step 2/3 · Write a note · on local');
    expect(frame).toContain('Welcome back: A workspace, step “Write a note”.');
  });

  it('walks a chapter: lesson, each step run for the learner with its output, then the checks pass', async () => {
    const { tutor } = await open();
    await tutor.press(keys.enter);
    await tutor.waitFor((f) => f.includes('A workspace · lesson') && f.includes('mkdir -p'));
    await tutor.press(keys.enter);
    await tutor.waitFor('Step 1/3 · Make the work directory');
    await tutor.press('r');
    await tutor.waitFor('✓ done');
    expect(tutor.frame()).toMatch(/▸ mkdir -p .*\/work — changed/);
    await tutor.press(keys.enter, 'r');
    await tutor.waitFor((f) => f.includes('Step 2/3') && f.includes('✓ done'));
    await tutor.press(keys.enter, 'r');
    const frame = await tutor.waitFor((f) => f.includes('Step 3/3') && f.includes('✓ done'));
    expect(frame).toMatch(/hello\nfrom\n/);
    expect(Object.values((await progressFile()).steps['chapter-1']!).map((r) => r.status)).toEqual(['done', 'done', 'done']);
    await tutor.press('c');
    const checks = await tutor.waitFor('2 passed, 0 failed');
    expect(checks).toContain('✓ The note is there and private  (local)');
    await tutor.press(keys.escape);
    await tutor.waitFor('Step 3/3');
  });

  it('Ctrl-C cancels a running step, keeps the tutor open and the state consistent; a second Ctrl-C quits', async () => {
    const { tutor } = await open();
    await tutor.press(keys.down, keys.enter);
    await tutor.waitFor('A slow count · lesson');
    await tutor.press(keys.enter, 'r');
    await tutor.waitFor('count 2');
    expect(tutor.frame()).toContain('Ctrl-C cancels');
    await tutor.press(keys.ctrlC);
    const frame = await tutor.waitFor('■ cancelled');
    expect(frame).not.toContain('count 30');
    expect(tutor.exits).toEqual([]);
    await tutor.intents.idle();
    expect((await progressFile()).steps['chapter-2']!.count).toMatchObject({ status: 'failed' });
    expect(await exists(join(dir, 'counted'))).toBe(false);
    await tutor.press(keys.ctrlC);
    expect(tutor.exits).toEqual([0]);
  });

  it('two Ctrl-C in a row during a run quit once the step is recorded', async () => {
    const { tutor } = await open();
    await tutor.press(keys.down, keys.enter);
    await tutor.waitFor('A slow count · lesson');
    await tutor.press(keys.enter, 'r');
    await tutor.waitFor('count 1');
    await tutor.press(keys.ctrlC, keys.ctrlC);
    await tutor.intents.idle();
    await tutor.waitFor(() => tutor.exits.length > 0);
    expect(tutor.exits).toEqual([0]);
    expect((await progressFile()).steps['chapter-2']!.count!.status).toBe('failed');
  });

  it("I'll type it myself: shows the commands; what the learner types is checked, with a diagnosis when wrong", async () => {
    const { session, tutor } = await open();
    await tutor.press(keys.enter);
    await tutor.waitFor('A workspace · lesson');
    await tutor.press(keys.enter, 't');
    await tutor.waitFor('Then type:');
    // The learner types the first step's commands exactly as shown, and the note with a wrong mode.
    execFileSync('bash', ['-c', stepLines((await session.plan('chapter-1')).steps[0]!).join('\n')]);
    execFileSync('bash', [
      '-c',
      `${stepLines((await session.plan('chapter-1')).steps[1]!)
        .join('\n')
        .replace('chmod 0600', 'chmod 0644')}`,
    ]);
    await tutor.press('c');
    const frame = await tutor.waitFor('1 passed, 1 failed');
    expect(frame).toContain('✗ The note is there and private  (local)');
    expect(frame).toMatch(/found +.*0644/);
    expect(frame).toContain('fix     run the step “Write a note” again');
    expect((await progressFile()).checks['chapter-1']).toMatchObject({ passed: 1, failed: 1 });
  });

  it('a failing step says what failed and how to go on; R runs the rest of the chapter, following each step', async () => {
    const { tutor } = await open();
    await tutor.press(keys.down, keys.down, keys.enter);
    await tutor.waitFor('A step that fails · lesson');
    await tutor.press(keys.enter, 'R');
    const frame = await tutor.waitFor('✗ failed');
    expect(frame).toContain('Step 2/2 · Fail on purpose');
    expect(frame).toContain('something is wrong');
    expect(frame).toMatch(/fix: fix the cause above, then run the chapter again/);
    expect(frame).toContain('── Fail on purpose (on local) ──');
  });

  it('shows the help over any screen and the lab map; Esc goes back', async () => {
    const { tutor } = await open();
    await tutor.press('?');
    await tutor.waitFor('Any key closes this help.');
    await tutor.press('j');
    await tutor.waitFor((f) => !f.includes('Any key closes') && f.includes('› · 01'));
    await tutor.press('m');
    await tutor.waitFor('map of the lab');
    expect(tutor.frame()).toMatch(/├── server +controller, etcd +10\.240\.0\.11/);
    await tutor.press(keys.escape);
    await tutor.waitFor('› · 01');
  });

  it('x asks first, then puts the machines back to the start of the chapter', async () => {
    const session = await createLocalSession(dir, { reset: true });
    await session.run('chapter-1');
    const { tutor } = await open({ reset: true });
    await tutor.press(keys.up);
    await tutor.waitFor(/› ✓ 01/);
    await tutor.press('x');
    await tutor.waitFor('Press x again to put every machine back to the start of A workspace');
    await tutor.press('j'); // any other key keeps them
    await tutor.waitFor((f) => !f.includes('Press x again'));
    expect(await exists(join(dir, 'work/note.txt'))).toBe(true);
    await tutor.press(keys.up, 'x', 'x');
    await tutor.waitFor('The machines are back at the start of A workspace.');
    await tutor.waitFor(/› · 01 {2}A workspace .* 0\/3 not started/);
    expect(await exists(join(dir, 'work'))).toBe(false);
  });

  it('without resetHost (a lab of your own machines), x says it cannot', async () => {
    const { tutor } = await open();
    await tutor.press('x');
    await tutor.waitFor('Resetting machines works on the local lab only.');
  });

  it('fits 80×24 and re-renders on resize', async () => {
    const { tutor } = await open({ longLesson: true });
    const stdout = tutor.stdout as unknown as { columns: number; rows: number; emit(e: string): void };
    const resize = (columns: number, rows: number) => {
      Object.defineProperty(stdout, 'columns', { value: columns, configurable: true });
      Object.defineProperty(stdout, 'rows', { value: rows, configurable: true });
      stdout.emit('resize');
    };
    resize(80, 24);
    await tutor.press(keys.down, keys.enter);
    let frame = await tutor.waitFor('Paragraph 3');
    let lines = frame.split('\n');
    expect(lines.length).toBeLessThanOrEqual(23);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);
    expect(lines.at(-1)).toContain('Enter steps');
    resize(60, 15);
    frame = await tutor.waitFor((f) => f.split('\n').length <= 14);
    lines = frame.split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(60);
    expect(frame).toMatch(/lines 1–\d+ of \d+/);
    await tutor.press(' ');
    await tutor.waitFor(/lines 11–/);
  });
});
