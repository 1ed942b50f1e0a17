/**
 * The machines share this host's kernel and its root user, and inotify's limits count per user: every
 * machine's systemd, and each node's kubelet (cAdvisor) and containerd, take instances from one pool.
 * Debian's default of 128 instances runs out around the sixth node ("inotify_init: too many open
 * files", and the kubelet exits). `lab up` raises the limits to what kubelet hosts are commonly given;
 * it never lowers a limit the host already has higher.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export const INOTIFY_MINIMUMS: Record<string, number> = {
  '/proc/sys/fs/inotify/max_user_instances': 8192,
  '/proc/sys/fs/inotify/max_user_watches': 524288,
};

/** Raises each limit below its minimum; returns what it changed, as `name: old → new`. */
export function raiseInotifyLimits(minimums: Record<string, number> = INOTIFY_MINIMUMS): string[] {
  const changed: string[] = [];
  for (const [path, minimum] of Object.entries(minimums)) {
    const current = Number(readFileSync(path, 'utf8').trim());
    if (Number.isFinite(current) && current >= minimum) continue;
    writeFileSync(path, `${minimum}\n`);
    changed.push(`${path.slice('/proc/sys/'.length).replaceAll('/', '.')}: ${current} → ${minimum}`);
  }
  return changed;
}
