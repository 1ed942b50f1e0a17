/**
 * `kthw learn` end to end in a real terminal (a tmux pane, 80×24) on the shared classic lab:
 * open it, read chapter 04, run it and see its checks pass; break a key, re-check and see the
 * diagnosis; quit and come back where the learner left off; Ctrl-C in the middle of a run leaves a
 * sane terminal and a state that the next run continues from.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadLab } from '../../src/lab/load.js';
import { StateStore, forgetChapter } from '../../src/state/index.js';
import type { Lab } from '../../src/lab/types.js';
import { runKthw } from '../support/run-kthw.js';
import { sshRun, useLabHome } from './helpers.js';
import { tutorPane } from './tutor-pane.js';

let lab: Lab;
let labFile: string;
let home: string;
let pane: ReturnType<typeof tutorPane>;

const kthw = (args: string[]) => runKthw(['--lab', labFile, ...args], { env: { KTHW_HOME: home } });
const progress = () =>
  (JSON.parse(kthw(['--json', 'chapters']).stdout) as { chapters: Array<{ id: string; status: string; stepsDone: number; nextStep?: string }> }).chapters;
const open = () => pane.open();
const screen = () => pane.screen();
const keys = (...k: string[]) => pane.keys(...k);
const waitFor = (test: string | RegExp, timeoutMs?: number) => pane.waitFor(test, timeoutMs);
const expectRunDone = () => pane.expectRunDone();
const expectRestored = () => pane.expectRestored();

beforeAll(async () => {
  useLabHome();
  home = inject('kthwHome');
  labFile = inject('classicLab');
  lab = await loadLab(labFile);
  pane = tutorPane(labFile, home, 'learn-e2e');
  // Chapters 01–03 by the non-interactive path: the tutor starts at chapter 04.
  for (const chapter of ['chapter-1', 'chapter-2', 'chapter-3']) {
    const run = kthw(['run', chapter]);
    expect(run.code, `${chapter}: ${run.stdout}${run.stderr}`).toBe(0);
  }
  // The lab is shared: other test files may have recorded chapters 04 and later as done. This
  // learner has not got there yet (the machines may hold the files; re-running changes nothing).
  const store = await StateStore.open({ labName: lab.name, labFile, root: home });
  await store.update((state) => {
    for (const id of Object.keys(state.chapters)) if (!['chapter-1', 'chapter-2', 'chapter-3'].includes(id)) forgetChapter(state, id);
  });
});

afterAll(() => pane.close());

describe('kthw learn on the classic lab', () => {
  it('reads chapter 04, runs it, sees the checks pass, then sees a broken key diagnosed', async () => {
    open();
    // The cursor starts at the first chapter not done: 04, unless another file of this run did it.
    await waitFor(/› . 0\d {2}/);
    for (let i = 0; i < 10; i++) keys('k');
    keys('j', 'j', 'j');
    await waitFor(/› . 04 {2}Certificate authority/);
    keys('Enter');
    const lesson = await waitFor('Certificate authority · lesson');
    expect(lesson.split('\n').every((l) => l.length <= 80)).toBe(true);
    keys('Enter');
    await waitFor('Step 1/');
    keys('R');
    await expectRunDone();
    keys('c');
    await waitFor(/Certificate authority: \d+ passed, 0 failed/, 120_000);

    const key = await sshRun(lab, 'node-0', 'chmod 0644 /var/lib/kubelet/kubelet.key');
    expect(key.code, key.stderr).toBe(0);
    keys('c');
    const diagnosis = await waitFor(/Certificate authority: \d+ passed, 1 failed/, 120_000);
    expect(diagnosis).toMatch(/✗ .*\(node-0\)/);
    expect(diagnosis).toMatch(/found +.*0644/);
    expect(diagnosis).toMatch(/where +node-0:\/var\/lib\/kubelet\/kubelet\.key/);
    // The why and the fix follow: scroll down to them.
    keys('Space');
    expect(await waitFor(/fix +\S/)).toMatch(/why +\S/);

    // Run the chapter again from its first step: the key gets its mode back; the checks pass.
    keys('Escape');
    await waitFor('Step ');
    for (let i = 0; i < 20; i++) keys('p');
    await waitFor('Step 1/');
    keys('R');
    await expectRunDone();
    keys('c');
    await waitFor(/Certificate authority: \d+ passed, 0 failed/, 120_000);
    keys('q');
    await expectRestored();
    expect(progress().find((c) => c.id === 'chapter-4')).toMatchObject({ status: 'done' });
  });

  it('comes back where the learner left off', async () => {
    open();
    await waitFor(/› . 0\d {2}/);
    for (let i = 0; i < 10; i++) keys('k');
    keys('j', 'j', 'j', 'j');
    await waitFor(/› . 05 {2}Kubeconfigs/);
    keys('Enter');
    await waitFor('Kubeconfigs · lesson');
    keys('Enter');
    await waitFor('Step 1/');
    keys('r');
    await expectRunDone();
    keys('Enter');
    const second = await waitFor('Step 2/');
    // The step's title (the start of it: a long one is cut at the screen's edge).
    const title = /Step 2\/\d+ · (.{1,20})/.exec(second)![1]!;
    keys('q');
    await expectRestored();
    expect(progress().find((c) => c.id === 'chapter-5')).toMatchObject({ status: 'in-progress', stepsDone: 1 });

    open();
    const resumed = await waitFor('Welcome back');
    expect(resumed).toContain(`Step 2/`);
    expect(resumed).toContain(title);
    keys('q');
    await expectRestored();
  });

  it('Ctrl-C during a run leaves a sane terminal and a state the next run continues from', async () => {
    open();
    await waitFor('Welcome back');
    keys('R');
    keys('C-c');
    // The first Ctrl-C cancels the run (or quits if the run was already over); the second quits.
    await new Promise((r) => setTimeout(r, 1500));
    if (!screen().includes('EXIT=')) keys('C-c');
    await expectRestored();
    const chapter5 = progress().find((c) => c.id === 'chapter-5')!;
    expect(chapter5.stepsDone).toBeGreaterThanOrEqual(1);
    const again = kthw(['run', 'chapter-5']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(kthw(['verify', 'chapter-5']).code).toBe(0);
  });
});
