import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** What a lock file says about the process holding it. */
export interface LockHolder {
  pid: number;
  hostname: string;
  /** When the holder took the lock (ISO). */
  startedAt: string;
  /** The holder's command line, for the message a waiting process prints. */
  command: string;
  /** Linux: the process's start time in clock ticks since boot, which tells a reused pid apart. */
  processStart?: string;
}

/** Fields 3 onwards of /proc/<pid>/stat; undefined where there is no /proc or no such process. */
function procStat(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Field 22 of /proc/<pid>/stat: start time in clock ticks since boot. */
export function processStartTime(pid: number): string | undefined {
  return procStat(pid)?.[19];
}

export function currentHolder(command: string): LockHolder {
  const holder: LockHolder = { pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString(), command: printable(command) };
  const start = processStartTime(process.pid);
  if (start !== undefined) holder.processStart = start;
  return holder;
}

/** `kthw` and its arguments: what a user would recognise in `ps` and type again. */
export function defaultCommand(): string {
  return printable(['kthw', ...process.argv.slice(2)].join(' '));
}

/** A lock file is read back into terminal messages: no control characters, bounded length. */
function printable(text: string): string {
  return text.replace(/\p{Cc}/gu, '?').slice(0, 200);
}

export function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid !== 'number' || typeof value.hostname !== 'string' || typeof value.startedAt !== 'string' || typeof value.command !== 'string')
      return undefined;
    return { ...value, hostname: printable(value.hostname), command: printable(value.command), startedAt: printable(value.startedAt) } as LockHolder;
  } catch {
    return undefined;
  }
}

/**
 * Whether the holder is certainly gone: it ran on this host and its pid is dead (or now belongs to a
 * process that started at another time). A holder on another host is never judged dead from here.
 */
export function holderIsDead(holder: LockHolder): boolean {
  if (holder.hostname !== hostname()) return false;
  // A lock left by this very process outside any lock section it is in is an orphan (see state-lock.ts).
  if (holder.pid === process.pid) return true;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  const stat = procStat(holder.pid);
  if (stat === undefined) return false;
  // A killed process not yet reaped by its parent still answers kill(pid, 0).
  if (stat[0] === 'Z' || stat[0] === 'X') return true;
  return holder.processStart !== undefined && stat[19] !== holder.processStart;
}
