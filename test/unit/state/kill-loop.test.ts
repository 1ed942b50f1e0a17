/**
 * SIGKILL writers hundreds of times: the state file must always parse, validate, hold one whole
 * version (never a mix of two) and never go back in time. The kills land where they matter by
 * construction, not by luck: a writer stopped (see state-writer.ts) holding the lock before its temp
 * file exists, or with its temp file written before the rename, is killed there; others are killed at
 * a random moment (start-up, reading, taking over a lock, between writes). The next writer must take
 * over the dead writer's lock and clear its temp file.
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
/** Where each kill lands, in turn: held lock before the temp file, temp file written, random. */
const kinds = ['temp', 'rename', 'random-early', 'random-late'] as const;
type Kind = (typeof kinds)[number];

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
 * Start a writer and kill it: `temp` and `rename` where the writer stops itself (after 0–2 whole
 * writes), `random-early` at any moment from start-up on (reading, taking over a dead writer's lock),
 * `random-late` at a random moment after its first write.
 */
async function killOne(root: string, kind: Kind): Promise<KillOutcome> {
  const pause = kind === 'temp' || kind === 'rename' ? [kind, String(Math.floor(Math.random() * 3))] : [];
  const child = spawn(process.execPath, [writer, 'hammer', root, 'classic', labFile, String(payloadBytes), ...pause], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // Resolves true once stdout shows `text`; false if the writer exits first, or (a pause that never
  // came) writes more often than it was told to before stopping.
  const seen = (text: string, maxWrites = Infinity) =>
    new Promise<boolean>((done) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes(text)) done(true);
        else if ((stdout.match(/^wrote /gm) ?? []).length > maxWrites) done(false);
      });
      void exited.then(() => done(false));
    });
  if (kind === 'random-early') {
    await Promise.race([sleep(Math.random() * 150), exited]);
  } else {
    const mark = kind === 'random-late' ? 'wrote' : `paused ${kind}`;
    if (!(await seen(mark, pause.length > 0 ? Number(pause[1]) : Infinity))) {
      child.kill('SIGKILL');
      throw new Error(`writer did not reach "${mark}" (stdout: ${stdout.slice(-200)}): ${stderr}`);
    }
    if (kind === 'random-late') await sleep(Math.random() * 30);
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
  // A writer starts in well under a second even on a loaded machine; the kills are sequential per slot.
  it(`stays whole and valid across ${children} writers killed holding the lock, mid-write and at random`, { timeout: 300_000 }, async () => {
    let started = 0;
    const killed = new Map<Kind, number>(kinds.map((kind) => [kind, 0]));

    async function slot(index: number): Promise<void> {
      const root = join(work, `slot-${index}`);
      let last = 0;
      while (started < children) {
        // The first writer of a slot writes at least once, so random-early ones always find a state file.
        const kind: Kind = last === 0 ? 'random-late' : kinds[started % kinds.length]!;
        started++;
        const outcome = await killOne(root, kind);
        expect(outcome.counter).toBeGreaterThanOrEqual(last);
        last = outcome.counter;
        killed.set(kind, killed.get(kind)! + 1);
        if (kind === 'rename') {
          // Killed with the new version written to its temp file and the lock held: both are left.
          expect(outcome).toMatchObject({ tempLeft: true, lockLeft: true });
        } else if (kind === 'temp') {
          // Killed holding the lock before writing: the lock is left, and the temp file a writer
          // killed before it may have left was cleared by this one before it wrote.
          expect(outcome).toMatchObject({ tempLeft: false, lockLeft: true });
        }
      }
    }
    await Promise.all(Array.from({ length: parallel }, (_, i) => slot(i)));

    console.log(`kill loop: ${[...killed].map(([kind, n]) => `${n} ${kind}`).join(', ')}`);
    expect([...killed.values()].reduce((a, b) => a + b)).toBe(children);
    for (const kind of kinds) expect(killed.get(kind)).toBeGreaterThanOrEqual(children / kinds.length - parallel);
  });
});
