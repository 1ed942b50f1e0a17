/**
 * Driven by bench/tui.ts (not run on its own by bench/run.mjs, which reads only bench/*) (bundled, run by plain node): walks every real chapter of the classic lab
 * in the tutor over TTY-like streams, timing each key press to the frame it causes; prints JSON
 * with the latencies and the RSS at the end of the walk.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { chapters } from '../../chapters/index.js';
import type { TutorSession } from '../../src/engine/session.js';
import { builtinLabPath, loadLab } from '../../src/lab/load.js';
import { startTutor } from '../../src/tui/index.js';

const root = process.argv[2] ?? process.cwd();

class FakeTtyIn extends PassThrough {
  isTTY = true;
  isRaw = false;
  setRawMode(mode: boolean) {
    this.isRaw = mode;
    return this;
  }
  ref() {
    return this;
  }
  unref() {
    return this;
  }
}
let lastWrite = 0;
let writes = 0;
class FakeTtyOut extends Writable {
  isTTY = true;
  columns = 80;
  rows = 24;
  override _write(_chunk: unknown, _encoding: string, callback: () => void) {
    lastWrite = performance.now();
    writes++;
    callback();
  }
}

/** A session over the real chapters of the classic lab for reading; nothing runs. */
async function readingSession(): Promise<TutorSession> {
  const lab = await loadLab(builtinLabPath('classic'));
  const applicable = chapters.filter((c) => c.meta.tracks.includes(lab.track));
  const byId = new Map(applicable.map((c) => [c.meta.id, c]));
  return {
    lab,
    progress: () =>
      Promise.resolve(applicable.map((c) => ({ meta: c.meta, status: 'not-started' as const, stepsDone: 0, stepsTotal: c.plan(lab, {}).steps.length }))),
    lesson: (id) => readFile(join(root, 'chapters', byId.get(id)!.meta.slug, 'lesson.md'), 'utf8'),
    plan: (id) => Promise.resolve(byId.get(id)!.plan(lab, {})),
    run: () => Promise.resolve({ ok: true, changed: 0, steps: [] }),
    verify: () => Promise.resolve([]),
    sshHint: (host) => `kthw lab ssh ${host}`,
    close: async () => {},
  };
}

const rssStart = process.memoryUsage().rss / 2 ** 20;
const session = await readingSession();
const stdin = new FakeTtyIn();
const stdout = new FakeTtyOut();
const tutor = startTutor(session, { stdin: stdin as unknown as NodeJS.ReadStream, stdout: stdout as unknown as NodeJS.WriteStream, noColor: false });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
await sleep(1500); // first frame, progress read, the Markdown renderer loaded in the background
const rssFirstFrame = process.memoryUsage().rss / 2 ** 20;

const latencies: number[] = [];
/** Presses a key and waits for the frame it causes; keys are spaced so Ink's 30 fps throttle is idle. */
async function press(key: string): Promise<void> {
  const before = writes;
  const start = performance.now();
  stdin.write(key);
  for (let i = 0; i < 200 && writes === before; i++) await sleep(1);
  if (writes > before) latencies.push(lastWrite - start);
  if (process.env.KTHW_WALK_TRACE && writes > before) process.stderr.write(`key ${JSON.stringify(key)} ${(lastWrite - start).toFixed(1)} ms\n`);
  await sleep(60);
}

const chapterCount = (await session.progress()).length;
for (let c = 0; c < chapterCount; c++) {
  await press('\r'); // lesson
  for (let i = 0; i < 6; i++) await press(' ');
  await press('\r'); // first step
  const steps = (await session.plan((await session.progress())[c]!.meta.id)).steps.length;
  for (let s = 0; s < steps; s++) {
    await press('e');
    await press('t');
    await press('\u001b'); // back to the step menu
    if (s < steps - 1) await press('n');
  }
  await press('\u001b'); // lesson
  await press('\u001b'); // chapters
  await press('j');
  if (process.env.KTHW_WALK_TRACE)
    process.stderr.write(
      `after chapter ${c + 1}: rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(1)} heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(1)}/${(process.memoryUsage().heapTotal / 2 ** 20).toFixed(1)}\n`,
    );
}
await press('m');
await press('\u001b');
await press('?');
await press('x');
const rss = process.memoryUsage().rss / 2 ** 20;
const heap = process.memoryUsage();
(globalThis as { gc?: () => void }).gc?.();
const afterGc = process.memoryUsage();
process.stderr.write(
  `heap ${(heap.heapUsed / 2 ** 20).toFixed(1)}/${(heap.heapTotal / 2 ** 20).toFixed(1)} MB, external ${(heap.external / 2 ** 20).toFixed(1)}, arrayBuffers ${(heap.arrayBuffers / 2 ** 20).toFixed(1)}; after gc heap ${(afterGc.heapUsed / 2 ** 20).toFixed(1)}/${(afterGc.heapTotal / 2 ** 20).toFixed(1)} rss ${(afterGc.rss / 2 ** 20).toFixed(1)}\n`,
);
stdin.write('q');
await tutor;

process.stdout.write(`${JSON.stringify({ latencies, rss, rssStart, rssFirstFrame, chapters: chapterCount })}\n`);
process.exit(0);
