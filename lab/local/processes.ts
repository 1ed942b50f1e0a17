import { existsSync, readdirSync, readFileSync, rmdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** A process that exists and is not a zombie (zombies count as stopped: nobody may reap them). */
export function processRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/**
 * The cgroup hierarchies a machine's processes are tracked in: on a hybrid host (cgroup v1 with a
 * v2 `unified` mount, like this project's CI) the `name=systemd` and `unified` hierarchies, which
 * systemd-nspawn uses; on a pure v2 host the one hierarchy.
 */
export function cgroupRoots(): string[] {
  const roots = ['/sys/fs/cgroup/systemd', '/sys/fs/cgroup/unified'].filter((r) => existsSync(join(r, 'cgroup.procs')));
  if (roots.length > 0) return roots;
  return existsSync('/sys/fs/cgroup/cgroup.controllers') ? ['/sys/fs/cgroup'] : [];
}

/**
 * Every hierarchy, the v1 controllers too (cpu, memory, …), which a machine shares with this
 * computer: whatever was made there under a machine's path goes when the machine does.
 */
export function allCgroupRoots(): string[] {
  const controllers = existsSync('/sys/fs/cgroup/cgroup.controllers')
    ? []
    : subdirs('/sys/fs/cgroup').filter((dir) => existsSync(join(dir, 'cgroup.procs')) && !cgroupRoots().includes(dir));
  return [...cgroupRoots(), ...controllers];
}

/** The v2 hierarchy (for cgroup.kill and cgroup.freeze), if any. */
export function unifiedRoot(): string | undefined {
  if (existsSync('/sys/fs/cgroup/unified/cgroup.procs')) return '/sys/fs/cgroup/unified';
  if (existsSync('/sys/fs/cgroup/cgroup.controllers')) return '/sys/fs/cgroup';
  return undefined;
}

/**
 * Makes a machine's cgroup in every hierarchy, the v1 controllers too, and returns the cgroup.procs
 * files its supervisor joins. nspawn's cgroup namespace roots each hierarchy at the cgroup the machine
 * starts in: left at the controllers' root, a kubelet in every worker would make its `kubepods` in one
 * tree they all share, each removing the others' pods as orphans.
 */
export function createCgroup(relative: string): string[] {
  return allCgroupRoots().map((root) => {
    let dir = root;
    for (const part of relative.split('/').filter(Boolean)) {
      const parent = dir;
      dir = join(dir, part);
      // another lab coming up at the same moment may make the shared level (kthw/) first
      mkdirSync(dir, { recursive: true });
      // a v1 cpuset takes no process until it has cpus and memory nodes: its parent's
      for (const file of ['cpuset.cpus', 'cpuset.mems']) {
        const path = join(dir, file);
        if (existsSync(path) && readFileSync(path, 'utf8').trim() === '') writeFileSync(path, readFileSync(join(parent, file), 'utf8'));
      }
    }
    return join(dir, 'cgroup.procs');
  });
}

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => join(dir, e.name));
  } catch {
    return [];
  }
}

/** Every pid in a cgroup and its descendants, across the hierarchies. Zombies are left out. */
export function cgroupPids(relative: string): number[] {
  const pids = new Set<number>();
  const walk = (dir: string): void => {
    try {
      for (const line of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n')) {
        if (line) pids.add(Number(line));
      }
    } catch {
      return;
    }
    for (const sub of subdirs(dir)) walk(sub);
  };
  for (const root of cgroupRoots()) walk(join(root, relative));
  return [...pids].filter(processRunning);
}

/** SIGKILL everything in the cgroup (cgroup.kill where the kernel has it, then by pid). */
export function killCgroup(relative: string): void {
  const unified = unifiedRoot();
  if (unified && existsSync(join(unified, relative, 'cgroup.kill'))) {
    try {
      writeFileSync(join(unified, relative, 'cgroup.kill'), '1');
    } catch {
      // fall through to the per-pid kill
    }
  }
  for (const pid of cgroupPids(relative)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Removes the cgroup directories (deepest first); those still holding processes stay. */
export function removeCgroup(relative: string): void {
  const remove = (dir: string): void => {
    for (const sub of subdirs(dir)) remove(sub);
    try {
      rmdirSync(dir);
    } catch {
      // busy or gone
    }
  };
  for (const root of allCgroupRoots()) remove(join(root, relative));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `done()` or the deadline; returns whether it became true. */
export async function waitFor(done: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await done()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(intervalMs);
  }
}

/** Removes one empty cgroup directory (not its children) in every hierarchy; busy ones stay. */
export function removeEmptyCgroup(relative: string): void {
  for (const root of allCgroupRoots()) {
    try {
      rmdirSync(join(root, relative));
    } catch {
      // busy or gone
    }
  }
}
