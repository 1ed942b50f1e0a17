import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnvironmentError } from '../../../src/util/errors.js';
import { StateLockedError, setChapterParams, withStateLock, type LockHolder } from '../../../src/state/index.js';
import { processStartTime } from '../../../src/state/lock-holder.js';
import { openStore, tempRoot } from './helpers.js';

let root: string;
beforeEach(() => {
  root = tempRoot('kthw-lock-');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function writeLock(path: string, holder: Partial<LockHolder>): void {
  writeFileSync(path, JSON.stringify({ pid: 1, hostname: hostname(), startedAt: '2025-01-01T00:00:00.000Z', command: 'kthw run chapter-4', ...holder }));
}

/** The pid of a process that has exited and been reaped. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((done) => child.on('exit', done));
  return child.pid!;
}

const counter = async (root: string) => (await (await openStore(root)).read())?.chapters['chapter-1']?.params.counter;
const increment = (d: Parameters<typeof setChapterParams>[0]) => {
  const n = d.chapters['chapter-1']?.params.counter;
  setChapterParams(d, 'chapter-1', { counter: (typeof n === 'number' ? n : 0) + 1 });
};

describe('withStateLock', () => {
  it('holds state.lock with who holds it, and removes it after, also when fn throws', async () => {
    const store = await openStore(root);
    await withStateLock(
      store.paths.dir,
      () => {
        const holder = JSON.parse(readFileSync(store.paths.lockFile, 'utf8')) as LockHolder;
        expect(holder).toMatchObject({ pid: process.pid, hostname: hostname(), command: 'test lock', processStart: processStartTime(process.pid) });
      },
      { command: 'test lock' },
    );
    expect(existsSync(store.paths.lockFile)).toBe(false);
    await expect(withStateLock(store.paths.dir, () => Promise.reject(new Error('inside')))).rejects.toThrow('inside');
    expect(existsSync(store.paths.lockFile)).toBe(false);
  });

  it('refuses a lock held by a live process, naming its pid and command and how to proceed', async () => {
    const store = await openStore(root);
    const sleeper = spawn('sleep', ['30']);
    try {
      writeLock(store.paths.lockFile, { pid: sleeper.pid!, processStart: processStartTime(sleeper.pid!) });
      const error = (await store.update(() => undefined, { wait: 0 }).catch((e: unknown) => e)) as StateLockedError;
      expect(error).toBeInstanceOf(StateLockedError);
      expect(error).toBeInstanceOf(EnvironmentError);
      expect(error.message).toBe(
        `this lab's state is in use by kthw process ${sleeper.pid} (\`kthw run chapter-4\`, since 2025-01-01T00:00:00.000Z, on host ${hostname()})`,
      );
      expect(error.where).toBe(store.paths.lockFile);
      expect(error.fix).toBe(
        `wait for it to finish, or stop it (kill ${sleeper.pid}) and run again; if no such process exists any more, remove ${store.paths.lockFile}`,
      );
      expect(existsSync(store.file)).toBe(false);
    } finally {
      sleeper.kill();
    }
  });

  it('prints a hostile command from a lock file without its control characters', async () => {
    const store = await openStore(root);
    writeLock(store.paths.lockFile, { hostname: 'other-machine', command: 'kthw run\n\u001b[2Jerased' });
    const error = (await store.update(() => undefined, { wait: 0 }).catch((e: unknown) => e)) as StateLockedError;
    expect(error.message).toContain('(`kthw run??[2Jerased`,');
  });

  it('never judges a lock of another host stale', async () => {
    const store = await openStore(root);
    writeLock(store.paths.lockFile, { pid: await deadPid(), hostname: 'other-machine' });
    const error = (await store.update(() => undefined, { wait: 50 }).catch((e: unknown) => e)) as StateLockedError;
    expect(error.message).toContain('on host other-machine');
    expect(error.fix).toContain('on other-machine');
  });

  it('takes over the lock of a dead process', async () => {
    const store = await openStore(root);
    writeLock(store.paths.lockFile, { pid: await deadPid() });
    await store.update(increment, { wait: 0 });
    expect(await counter(root)).toBe(1);
    expect(existsSync(store.paths.lockFile)).toBe(false);
  });

  it('takes over a lock whose pid now belongs to another process (started at another time)', async () => {
    const store = await openStore(root);
    const sleeper = spawn('sleep', ['30']);
    try {
      writeLock(store.paths.lockFile, { pid: sleeper.pid!, processStart: '1' });
      await store.update(increment, { wait: 0 });
      expect(await counter(root)).toBe(1);
    } finally {
      sleeper.kill();
    }
  });

  it('waits on an unreadable lock while it may still be being written, then takes it over', async () => {
    const store = await openStore(root);
    writeFileSync(store.paths.lockFile, '');
    const young = (await store.update(() => undefined, { wait: 0 }).catch((e: unknown) => e)) as StateLockedError;
    expect(young.message).toContain('its lock file is being written or damaged');
    const old = new Date(Date.now() - 60_000);
    utimesSync(store.paths.lockFile, old, old);
    await store.update(increment, { wait: 0 });
    expect(await counter(root)).toBe(1);
  });

  it('waits for a live holder when asked to, then proceeds', async () => {
    const store = await openStore(root);
    const sleeper = spawn('sleep', ['30']);
    writeLock(store.paths.lockFile, { pid: sleeper.pid! });
    setTimeout(() => sleeper.kill(), 300);
    await store.update(increment, { wait: 20_000 });
    expect(await counter(root)).toBe(1);
  });

  it('serialises updates within one process: no lost update', async () => {
    const store = await openStore(root);
    await Promise.all(Array.from({ length: 40 }, () => store.update(increment, { wait: 0 })));
    expect(await counter(root)).toBe(40);
  });

  it('is re-entrant: updates inside a held lock do not wait on themselves', async () => {
    const store = await openStore(root);
    await withStateLock(store.paths.dir, async () => {
      await store.update(increment, { wait: 0 });
      await store.update(increment, { wait: 0 });
      expect(existsSync(store.paths.lockFile)).toBe(true);
    });
    expect(await counter(root)).toBe(2);
    expect(existsSync(store.paths.lockFile)).toBe(false);
  });

  it('does not count work left running after the locked section as inside the lock', async () => {
    const store = await openStore(root);
    let late: Promise<unknown> | undefined;
    await withStateLock(store.paths.dir, () => {
      late = new Promise((done) => setTimeout(done, 50)).then(() => withStateLock(store.paths.dir, () => existsSync(store.paths.lockFile)));
    });
    // Had it counted as inside, it would have run without taking the (by then removed) lock file.
    expect(await late).toBe(true);
  });

  it('leaves alone a lock that is no longer its own when it releases', async () => {
    const store = await openStore(root);
    await withStateLock(store.paths.dir, () => writeLock(store.paths.lockFile, { pid: 4242, command: 'someone else' }));
    expect(JSON.parse(readFileSync(store.paths.lockFile, 'utf8'))).toMatchObject({ pid: 4242 });
  });
});
