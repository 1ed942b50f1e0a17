/** The lock of a host-wide cache entry (binaries, pod images): one builder at a time, a dead owner's lock taken over. */
import { closeSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { LabLog } from './log.js';
import { processRunning } from './processes.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An exclusive lock file holding the owner's pid; a lock whose owner died is taken over. */
export async function cacheLock(path: string, log: LabLog, what: string): Promise<() => void> {
  let told = false;
  for (;;) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number(readFileSync(path, 'utf8').trim() || NaN);
    if (!Number.isInteger(owner) || !processRunning(owner)) {
      rmSync(path, { force: true });
      continue;
    }
    if (!told) log(`${what}: waiting for kthw process ${owner}, which is building the same thing`);
    told = true;
    await sleep(2000);
  }
}

/** Leftovers `.build-<hash>-<pid>` of builds whose process died. */
export function removeStaleBuilds(root: string): void {
  for (const entry of readdirSync(root)) {
    const match = /^\.build-[0-9a-f]+-(\d+)$/.exec(entry);
    if (match && !processRunning(Number(match[1]))) rmSync(join(root, entry), { recursive: true, force: true });
  }
}
