// The memory a machine of the local lab uses: the PSS of every process in its cgroup (nspawn,
// systemd and all it runs, pods included), so shared pages are counted once across machines.
import { readFileSync } from 'node:fs';
import { cgroupPids } from '../lab/local/processes.js';

function pssKiB(pid: number): number {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

export function machineMiB(cgroup: string): number {
  return cgroupPids(cgroup).reduce((sum, pid) => sum + pssKiB(pid), 0) / 1024;
}
