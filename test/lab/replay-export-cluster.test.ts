/**
 * A whole classic cluster end to end, on a lab of this file's own (rpk, 10.245.0.0/24,
 * fd00:10:245::/64, pods 10.215.0.0/16). Chapters 01–07 are done by `kthw run`; then `kthw learn`,
 * in a tmux pane of 80×24, walks chapters 08–12 as a person would (from where the tutor puts the
 * cursor: the lesson, every step run, the chapter checked green, `n` to the next chapter), ending
 * with nodes Ready, pods routed across nodes and the smoke test green. The machines are then reset
 * to the bare image and the cluster rebuilt twice: by `kthw replay`, and by `ansible-playbook` of
 * the lab's own export. Last, the tutor walks chapter 13, which takes the cluster apart.
 * (The ipv6-ha track's replay and export: chapters-09-13-ipv6.test.ts.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chapters as registry } from '../../chapters/index.js';
import { escapeRegex } from '../../chapters/common.js';
import { labDown } from '../../lab/local/index.js';
import { loadLab } from '../../src/lab/load.js';
import type { Lab } from '../../src/lab/types.js';
import { chapterHarness } from './chapter-harness.js';
import { clusterRebuild } from './cluster-rebuild.js';
import { KTHW_STEPS_LIMIT_MS, PLAYBOOK_LIMIT_MS, labVariant, upWithChapters, useLabHome } from './helpers.js';
import { tutorPane } from './tutor-pane.js';

const scratch = mkdtempSync(join(tmpdir(), 'kthw-rpk-'));
const labFile = labVariant(scratch, 'classic', 'rpk', [
  ['10.240.', '10.245.'],
  ['fd00:10:240:', 'fd00:10:245:'],
  ['10.200.', '10.215.'],
]);
const lab: Lab = await loadLab(labFile);
const harness = chapterHarness(labFile, lab);
const rebuild = clusterRebuild(lab, harness, ['node-ready-node-1', 'route-node-0-to-node-1-ipv4', 'exec', 'nodeport-node-1']);
const cluster = registry.filter((c) => c.meta.tracks.includes(lab.track) && c.meta.number >= 8);
let pane: ReturnType<typeof tutorPane>;

const progress = () => (JSON.parse(harness.kthw('--json', 'chapters').stdout) as { chapters: Array<{ id: string; status: string }> }).chapters;

/** On a chapter's lesson: Enter to its first step, R to run them all, c to check it; ends back on the lesson. */
async function walkChapter(chapter: (typeof cluster)[number]): Promise<void> {
  const title = chapter.meta.title;
  const lesson = await pane.waitFor(`${title} · lesson`);
  expect(lesson.split('\n').every((l) => l.length <= 80)).toBe(true);
  pane.keys('Enter');
  await pane.waitFor('Step 1/');
  const started = performance.now();
  pane.keys('R');
  await pane.expectRunDone(600_000);
  pane.keys('c');
  await pane.waitFor(new RegExp(`${escapeRegex(title)}: \\d+ passed, 0 failed`), 300_000);
  process.stderr.write(`[rpk] ${chapter.meta.id} in the tutor, run and checked: ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  expect(progress().find((c) => c.id === chapter.meta.id)).toMatchObject({ status: 'done' });
  // back from the checks to the step, then to the lesson
  await pane.backTo(/^Step \d+\/\d+ · /m);
  await pane.backTo(`${title} · lesson`);
}

/** Opens the tutor: the cursor stands on the first chapter not done, which must be this one. */
async function openAt(chapter: (typeof cluster)[number]): Promise<void> {
  pane.open();
  await pane.waitFor(new RegExp(`› . ${String(chapter.meta.number).padStart(2, '0')} {2}${escapeRegex(chapter.meta.title)}`));
  pane.keys('Enter');
}

beforeAll(async () => {
  useLabHome();
  await labDown(lab.name);
  upWithChapters(harness.kthw, ['chapter-1', 'chapter-2', 'chapter-3', 'chapter-4', 'chapter-5', 'chapter-6', 'chapter-7']);
  pane = tutorPane(labFile, inject('kthwHome'), 'rpk');
}, 1_200_000);

afterAll(async () => {
  pane.close();
  await labDown(lab.name);
  rmSync(scratch, { recursive: true, force: true });
});

describe('a whole classic cluster: built in the tutor, rebuilt by replay and by Ansible, taken apart', () => {
  it(
    'kthw learn opens at chapter 08 and walks 08–12: each lesson, every step run, each chapter checked green, n to the next',
    { timeout: 1_800_000 },
    async () => {
      const building = cluster.filter((c) => !c.meta.teardown);
      expect(building.map((c) => c.meta.number)).toEqual([8, 9, 10, 11, 12]);
      await openAt(building[0]!);
      for (const [i, chapter] of building.entries()) {
        await walkChapter(chapter);
        if (i < building.length - 1) pane.keys('n');
      }
      pane.keys('q');
      await pane.expectRestored();
    },
  );

  it('kthw replay rebuilds it onto reset machines: every check passes, and a second replay changes nothing', { timeout: 1_800_000 }, () => rebuild.byReplay());

  it(
    'its Ansible export rebuilds it onto reset machines: every check passes, a replay and a second run change nothing, verify.yml passes',
    { timeout: 3 * PLAYBOOK_LIMIT_MS + KTHW_STEPS_LIMIT_MS },
    () => rebuild.byAnsible(join(scratch, 'ansible')),
  );

  it('kthw learn opens at chapter 13 and walks it: the cluster is taken apart and its checks find every machine clean', { timeout: 900_000 }, async () => {
    const teardown = cluster.find((c) => c.meta.teardown)!;
    expect(teardown.meta.number).toBe(13);
    await openAt(teardown);
    await walkChapter(teardown);
    pane.keys('q');
    await pane.expectRestored();
    expect(harness.kthw('verify', 'chapter-9').code).toBe(1);
  });
});
