/** Separate kthw-like processes on one lab: they take turns, or the second is told who holds the lab. */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWriter } from './fixtures/build-writer.js';
import { classicLabFile, openStore, startWriter, tempRoot, waitForOutput } from './helpers.js';

let writer: string;
let root: string;
beforeAll(async () => {
  writer = await buildWriter();
  root = tempRoot('kthw-concurrent-');
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(dirname(writer), { recursive: true, force: true });
});

describe('two writer processes', () => {
  it('that wait for the lock lose no update', async () => {
    const lab = `${root}/wait`;
    const each = 60;
    const runs = [0, 1].map(() => startWriter(writer, ['increment', lab, 'classic', classicLabFile, String(each), '30000']).finished);
    const results = await Promise.all(runs);
    for (const result of results) expect(result).toMatchObject({ code: 0, stdout: 'done\n' });
    const state = await (await openStore(lab)).read();
    expect(state?.chapters['chapter-1']?.params.counter).toBe(2 * each);
  });

  it('a reader without the lock always sees a whole file while another process writes', async () => {
    const lab = `${root}/reader`;
    const hammer = startWriter(writer, ['hammer', lab, 'classic', classicLabFile, '200000']);
    try {
      await waitForOutput(hammer.output, 'wrote', hammer.finished);
      const store = await openStore(lab);
      const seen = new Set<unknown>();
      for (let i = 0; i < 150; i++) {
        const params = (await store.read())?.chapters['chapter-1']?.params;
        expect(params?.blob).toBe(String(Number(params?.counter) % 10).repeat(200_000));
        seen.add(params?.counter);
      }
      // It really read while the file was being replaced.
      expect(seen.size).toBeGreaterThan(1);
    } finally {
      hammer.child.kill('SIGKILL');
      await hammer.finished;
    }
  });

  it('four writers finding the same dead holder take over its lock once, and lose no update', async () => {
    const lab = `${root}/takeover`;
    const store = await openStore(lab);
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((done) => dead.on('exit', done));
    writeFileSync(store.paths.lockFile, JSON.stringify({ pid: dead.pid, hostname: hostname(), startedAt: new Date().toISOString(), command: 'kthw run' }));
    const each = 20;
    const results = await Promise.all(
      [0, 1, 2, 3].map(() => startWriter(writer, ['increment', lab, 'classic', classicLabFile, String(each), '30000']).finished),
    );
    for (const result of results) expect(result).toMatchObject({ code: 0, stdout: 'done\n' });
    expect((await store.read())?.chapters['chapter-1']?.params.counter).toBe(4 * each);
    expect(readdirSync(store.paths.dir).sort()).toEqual(['generated', 'pki', 'ssh', 'state.json']);
  });

  it('that do not wait: the second is told which process and command hold the lab, and changes nothing', async () => {
    const lab = `${root}/nowait`;
    const holder = startWriter(writer, ['hold', lab, 'classic', classicLabFile, '3000']);
    await waitForOutput(holder.output, 'held', holder.finished);

    const second = await startWriter(writer, ['increment', lab, 'classic', classicLabFile, '1', '0']).finished;
    expect(second.code).toBe(3);
    const lockFile = `${lab}/classic/state.lock`;
    expect(second.stderr).toBe(
      [
        `error: this lab's state is in use by kthw process ${holder.child.pid} (\`state-writer hold\`, since ${(JSON.parse(readFileSync(lockFile, 'utf8')) as { startedAt: string }).startedAt}, on host ${hostname()})`,
        `  where: ${lockFile}`,
        `  fix:   wait for it to finish, or stop it (kill ${holder.child.pid}) and run again; if no such process exists any more, remove ${lockFile}`,
        '',
      ].join('\n'),
    );
    expect(existsSync(`${lab}/classic/state.json`)).toBe(false);

    holder.child.kill('SIGKILL');
    await holder.finished;
    // The holder died holding the lock: the next writer takes it over at once.
    const third = await startWriter(writer, ['increment', lab, 'classic', classicLabFile, '1', '0']).finished;
    expect(third.code).toBe(0);
    expect((await (await openStore(lab)).read())?.chapters['chapter-1']?.params.counter).toBe(1);
  });
});
