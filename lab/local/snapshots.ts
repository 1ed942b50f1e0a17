import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentError, UsageError } from '../../src/util/errors.js';
import type { Lab } from '../../src/lab/types.js';
import { silent, type LabLog } from './log.js';
import { machineDir } from './machine.js';
import { unifiedRoot, waitFor } from './processes.js';
import { run } from './run.js';
import { readRecord, type LabRecord, type MachineRecord } from './runtime-record.js';

const SNAPSHOT_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export function snapshotRoot(stateDir: string, name: string): string {
  return join(stateDir, 'snapshots', name);
}

export function listSnapshots(stateDir: string): string[] {
  const dir = join(stateDir, 'snapshots');
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((n) => SNAPSHOT_NAME.test(n))
        .sort()
    : [];
}

export function validateSnapshotName(name: string): void {
  if (!SNAPSHOT_NAME.test(name)) {
    throw new UsageError(`bad snapshot name: ${JSON.stringify(name)}`, { fix: 'use lowercase letters, digits, dots and dashes, e.g. chapter-4' });
  }
}

export function requireRecord(lab: Lab): LabRecord {
  const record = readRecord(lab.name);
  if (!record) throw new EnvironmentError(`lab ${lab.name} is not up`, { where: lab.source, fix: 'run kthw lab up first' });
  return record;
}

/** The machine's disk: the overlay upper dir, plus the plain containerd dir on workers. */
function machineParts(record: LabRecord, machine: MachineRecord): Array<[part: string, path: string]> {
  const dir = machineDir(record.stateDir, machine.host);
  return [
    ['upper', machine.upper],
    ['containerd', join(dir, 'containerd')],
  ];
}

/** Freezes the machine's processes (cgroup v2 freezer) so its disk does not change while copied. */
async function frozen<T>(machine: MachineRecord, action: () => Promise<T>): Promise<T> {
  const root = unifiedRoot();
  const freeze = root ? join(root, machine.cgroup, 'cgroup.freeze') : undefined;
  const canFreeze = freeze !== undefined && existsSync(freeze);
  if (canFreeze) {
    writeFileSync(freeze, '1');
    await waitFor(() => /frozen 1/.test(readFileSync(join(root!, machine.cgroup, 'cgroup.events'), 'utf8')), 2000, 5);
  }
  try {
    return await action();
  } finally {
    if (canFreeze) writeFileSync(freeze, '0');
  }
}

export async function copyTree(from: string, to: string): Promise<void> {
  await run('cp', ['-a', '--reflink=auto', '--', from, to]);
}

/** Copies every machine's disk into snapshots/<name>/<host>, replacing an older one of that name. */
export async function labSnapshot(lab: Lab, name: string, options: { log?: LabLog } = {}): Promise<void> {
  validateSnapshotName(name);
  const record = requireRecord(lab);
  const root = snapshotRoot(record.stateDir, name);
  const temp = `${root}.${process.pid}.tmp`;
  rmSync(temp, { recursive: true, force: true });
  await run('mkdir', ['-p', temp]);
  await Promise.all(
    record.machines.map((machine) =>
      frozen(machine, async () => {
        await run('sync', ['-f', machine.upper], { allowFail: true });
        await run('mkdir', ['-p', join(temp, machine.host)]);
        for (const [part, path] of machineParts(record, machine)) {
          if (existsSync(path)) await copyTree(path, join(temp, machine.host, part));
        }
      }),
    ),
  );
  rmSync(root, { recursive: true, force: true });
  renameSync(temp, root);
  (options.log ?? silent)(`snapshot ${name} of lab ${lab.name} taken (${record.machines.length} machines)`);
}

/** Replaces the (stopped) machine's disk with its copy in the snapshot, or empties it without one. */
export async function restoreDisk(record: LabRecord, machine: MachineRecord, snapshot: string | undefined): Promise<void> {
  const idFile = join(machine.upper, 'etc', 'machine-id');
  const machineId = existsSync(idFile) ? readFileSync(idFile, 'utf8') : undefined;
  for (const [part, path] of machineParts(record, machine)) {
    rmSync(path, { recursive: true, force: true });
    const saved = snapshot ? join(snapshotRoot(record.stateDir, snapshot), machine.host, part) : undefined;
    if (saved && existsSync(saved)) await copyTree(saved, path);
  }
  if (!snapshot && machineId) {
    await run('mkdir', ['-p', join(machine.upper, 'etc')]);
    writeFileSync(idFile, machineId, { mode: 0o444 });
  }
}
