/**
 * One lab, one writer at a time. Across processes: `state.lock`, created with O_EXCL, holding who
 * took it. Within a process: a queue per directory, and re-entry for code already inside the lock
 * (the engine may hold it for a whole run while recording each step through `update()`).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { lstat, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EnvironmentError } from '../util/errors.js';
import { currentHolder, defaultCommand, holderIsDead, parseHolder, type LockHolder } from './lock-holder.js';

export const lockFileName = 'state.lock';
const takeoverSuffix = '.takeover';
/** A lock file too young to judge may be one whose holder is still writing its details. */
const unreadableGraceMs = 2_000;

export interface LockOptions {
  /** How long to wait for another process to release the lock, in ms (default 0: fail at once). */
  wait?: number;
  /** What this process is doing, shown to a process that finds the lock held. */
  command?: string;
}

export class StateLockedError extends EnvironmentError {
  constructor(
    readonly lockFile: string,
    readonly holder: LockHolder | undefined,
  ) {
    const who =
      holder === undefined
        ? 'another kthw process (its lock file is being written or damaged)'
        : `kthw process ${holder.pid} (\`${holder.command}\`, since ${holder.startedAt}, on host ${holder.hostname})`;
    super(`this lab's state is in use by ${who}`, {
      where: lockFile,
      fix:
        holder === undefined
          ? `wait a moment and run again; if it persists and no kthw is running, remove ${lockFile}`
          : `wait for it to finish, or stop it (kill ${holder.pid}${holder.hostname === hostname() ? '' : ` on ${holder.hostname}`}) and run again; if no such process exists any more, remove ${lockFile}`,
    });
    this.name = 'StateLockedError';
  }
}

const held = new AsyncLocalStorage<Set<string>>();
const queues = new Map<string, Promise<unknown>>();

/** Run `fn` holding the lab directory's state lock; the lock is released however `fn` ends. */
export async function withStateLock<T>(dir: string, fn: () => Promise<T> | T, options: LockOptions = {}): Promise<T> {
  const key = resolve(dir);
  const outer = held.getStore();
  if (outer?.has(key)) return fn();

  const previous = queues.get(key) ?? Promise.resolve();
  const mine = previous.catch(() => undefined).then(() => lockedSection(key, fn, options, outer));
  const tail = mine.catch(() => undefined);
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return mine;
}

async function lockedSection<T>(dir: string, fn: () => Promise<T> | T, options: LockOptions, outer: Set<string> | undefined): Promise<T> {
  const lockFile = join(dir, lockFileName);
  const holder = currentHolder(options.command ?? defaultCommand());
  const text = JSON.stringify(holder);
  await acquire(lockFile, text, options.wait ?? 0);
  const inside = new Set([...(outer ?? []), dir]);
  try {
    return await held.run(inside, fn);
  } finally {
    // Work `fn` left running past its end must not count as inside the lock any more.
    inside.delete(dir);
    release(lockFile, text);
  }
}

async function acquire(lockFile: string, text: string, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  let pause = 10;
  for (;;) {
    if (createExclusive(lockFile, text)) return;
    const found = await inspect(lockFile);
    if (found === 'gone') continue;
    if (found.stale) {
      await takeOver(lockFile, found.text);
      continue;
    }
    if (Date.now() >= deadline) throw new StateLockedError(lockFile, found.holder);
    await sleep(Math.min(pause + Math.random() * pause, Math.max(1, deadline - Date.now())));
    pause = Math.min(pause * 2, 200);
  }
}

function createExclusive(path: string, text: string): boolean {
  // Synchronous on purpose: create and fill in one go, with no event-loop turn between them, so a
  // kill leaves an empty lock file only in a window of microseconds (see unreadableGraceMs).
  // No fsync: a lock does not outlive a reboot in any useful way (its pid is dead afterwards).
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw lockError(path, error);
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

function lockError(path: string, error: unknown): EnvironmentError {
  const code = (error as NodeJS.ErrnoException).code ?? String(error);
  return new EnvironmentError(`cannot create the lock file ${path} (${code})`, {
    where: path,
    fix: 'make the lab directory writable by this user (or set KTHW_HOME to a directory that is)',
    cause: error,
  });
}

interface Found {
  text: string;
  holder: LockHolder | undefined;
  stale: boolean;
}

async function inspect(lockFile: string): Promise<Found | 'gone'> {
  let text: string;
  let age: number;
  try {
    [text, age] = await Promise.all([readFile(lockFile, 'utf8'), lstat(lockFile).then((s) => Date.now() - s.mtimeMs)]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  const holder = parseHolder(text);
  // Unreadable: its writer was killed between creating and filling it, or is filling it right now.
  if (holder === undefined) return { text, holder, stale: age > unreadableGraceMs };
  return { text, holder, stale: holderIsDead(holder) };
}

/**
 * Remove a stale lock without ever removing a live one: under a second exclusive file, check the lock
 * still holds exactly what was judged stale, and only then unlink it. Two processes finding the same
 * stale lock cannot both remove it and then each remove the other's new lock.
 */
async function takeOver(lockFile: string, staleText: string): Promise<void> {
  const guard = lockFile + takeoverSuffix;
  const guardText = JSON.stringify(currentHolder('lock takeover'));
  if (!createExclusive(guard, guardText)) {
    const other = await inspect(guard);
    if (other !== 'gone' && other.stale) unlinkIfSame(guard, other.text);
    else await sleep(5);
    return;
  }
  try {
    unlinkIfSame(lockFile, staleText);
  } finally {
    unlinkIfSame(guard, guardText);
  }
}

/** Compare and remove in one synchronous stretch, so no other turn of this process runs between them. */
function unlinkIfSame(path: string, expected: string): void {
  try {
    if (readFileSync(path, 'utf8') === expected) unlinkSync(path);
  } catch {
    // already gone
  }
}

function release(lockFile: string, text: string): void {
  // Only remove the lock if it is still ours (it always should be; this guards against a bug or a
  // hand-removed lock taken since by someone else).
  unlinkIfSame(lockFile, text);
}
