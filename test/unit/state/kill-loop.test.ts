/**
 * SIGKILL writers at random points, hundreds of times: the state file must always parse, validate,
 * hold one whole version (never a mix of two) and never go back in time. Kills land inside the lock,
 * so the next writer must also take over the dead writer's lock and clear its temp file.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDir, parseStateText } from '../../../src/state/index.js';
import { buildWriter } from './fixtures/build-writer.js';

const labFile = fileURLToPath(new URL('../../../lab/classic.yaml', import.meta.url));
const children = 200;
const parallel = 4;
const payloadBytes = 300_000;

let writer: string;
let work: string;

beforeAll(async () => {
  writer = await buildWriter();
  work = mkdtempSync(join(tmpdir(), 'kthw-kill-loop-'));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(dirname(writer), { recursive: true, force: true });
});

interface KillOutcome {
  counter: number;
  tempLeft: boolean;
  lockLeft: boolean;
}

/**
 * Start a writer and kill it at a random moment: most after their first write (in the write loop),
 * `early` ones at any point from start-up on (reading, taking over a dead writer's lock).
 */
async function killOne(root: string, early: boolean): Promise<KillOutcome> {
  const child = spawn(process.execPath, [writer, 'hammer', root, 'classic', labFile, String(payloadBytes)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const firstWrite = new Promise<boolean>((done) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('wrote')) done(true);
    });
    void exited.then(() => done(false));
  });
  if (early) {
    await Promise.race([sleep(Math.random() * 150), exited]);
  } else {
    if (!(await firstWrite)) throw new Error(`writer exited before writing: ${stderr}`);
    await sleep(Math.random() * 30);
  }
  if (child.exitCode !== null) throw new Error(`writer exited by itself (${child.exitCode}): ${stderr}`);
  child.kill('SIGKILL');
  await exited;

  const paths = labDir('classic', root);
  const { state } = parseStateText(readFileSync(paths.stateFile, 'utf8'), paths.stateFile);
  const params = state.chapters['chapter-1']?.params;
  const counter = params?.counter;
  if (typeof counter !== 'number') throw new Error('no counter in the state file');
  // One whole version: the payload matches the counter it was written with.
  expect(params?.blob).toBe(String(counter % 10).repeat(payloadBytes));
  expect(Object.keys(state.chapters['chapter-2']?.steps ?? {})).toHaveLength(200);
  return {
    counter,
    tempLeft: readdirSync(paths.dir).some((name) => name.startsWith('.state.json.') && name.endsWith('.tmp')),
    lockLeft: existsSync(paths.lockFile),
  };
}

describe('state file under kill -9', () => {
  it(`stays whole and valid across ${children} writers killed mid-write`, { timeout: 180_000 }, async () => {
    let started = 0;
    let killed = 0;
    let tempLeft = 0;
    let lockLeft = 0;

    async function slot(index: number): Promise<void> {
      const root = join(work, `slot-${index}`);
      let last = 0;
      while (started < children) {
        started++;
        const outcome = await killOne(root, last > 0 && Math.random() < 0.2);
        expect(outcome.counter).toBeGreaterThanOrEqual(last);
        last = outcome.counter;
        killed++;
        if (outcome.tempLeft) tempLeft++;
        if (outcome.lockLeft) lockLeft++;
      }
    }
    await Promise.all(Array.from({ length: parallel }, (_, i) => slot(i)));

    console.log(`kill loop: ${killed} writers killed; ${tempLeft} left a temp file (killed mid-write), ${lockLeft} left their lock`);
    expect(killed).toBeGreaterThanOrEqual(children);
    // The loop must really hit writes and held locks, or it proves nothing.
    expect(tempLeft).toBeGreaterThanOrEqual(children / 20);
    expect(lockLeft).toBeGreaterThanOrEqual(children / 10);
  });
});
