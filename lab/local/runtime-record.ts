import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runtimeRoot } from './paths.js';

export interface MachineRecord {
  host: string;
  netns: string;
  bridgePort: string;
  machineName: string;
  /** Relative cgroup path (same in every hierarchy used). */
  cgroup: string;
  upper: string;
  supervisorPid?: number;
}

/**
 * What a lab has (or may have) created on this host. Written before anything is created and
 * updated as pids become known, so `labDown` after a `kill -9` of `labUp` finds every object by
 * the names recorded here.
 */
export interface LabRecord {
  version: 1;
  lab: string;
  source: string;
  /** The node prefixes this lab routes from the host (for the overlap check of other labs). */
  prefixes: string[];
  bridgeNetns: string;
  hostVeth: string;
  image: string;
  stateDir: string;
  /** The process running `labUp` while it creates things (to refuse a concurrent up or down); cleared once done. */
  upPid?: number;
  machines: MachineRecord[];
  /**
   * Default parameters of this lab's chapters (a chapter's own, set with e.g. `kthw run --mirror`,
   * win): `mirror`, the release mirror built from source, when it serves every download of the lab.
   */
  params?: Record<string, string>;
}

export function recordPath(labName: string): string {
  return join(runtimeRoot(), `${labName}.json`);
}

export function readRecord(labName: string): LabRecord | undefined {
  const path = recordPath(labName);
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as LabRecord;
}

export function writeRecord(record: LabRecord): void {
  mkdirSync(runtimeRoot(), { recursive: true, mode: 0o700 });
  const path = recordPath(record.lab);
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(record, null, 2) + '\n', { mode: 0o600 });
  renameSync(temp, path);
}

export function removeRecord(labName: string): void {
  rmSync(recordPath(labName), { force: true });
}

export function allRecords(): LabRecord[] {
  if (!existsSync(runtimeRoot())) return [];
  return readdirSync(runtimeRoot())
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => {
      try {
        return [JSON.parse(readFileSync(join(runtimeRoot(), f), 'utf8')) as LabRecord];
      } catch {
        return [];
      }
    });
}
