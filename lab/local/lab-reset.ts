import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../src/util/errors.js';
import { primaryAddress, type Lab } from '../../src/lab/types.js';
import { silent, type LabLog } from './log.js';
import { startMachine, stopMachine } from './machine.js';
import { waitForSsh } from './reachability.js';
import { writeRecord } from './runtime-record.js';
import { listSnapshots, requireRecord, restoreDisk, snapshotRoot, validateSnapshotName } from './snapshots.js';

export interface LabResetOptions {
  /** A snapshot name (e.g. `chapter-4`); without it, the machine goes back to the bare image. */
  to?: string;
  log?: LabLog;
  sshTimeoutMs?: number;
}

/** Stops the machine(s), puts back their disk from a snapshot (or the bare image), boots them again. */
export async function labReset(lab: Lab, target: string, options: LabResetOptions = {}): Promise<void> {
  const log = options.log ?? silent;
  const record = requireRecord(lab);
  const hosts = target === 'all' ? lab.hosts : lab.hosts.filter((h) => h.name === target);
  if (hosts.length === 0) {
    throw new UsageError(`no host ${JSON.stringify(target)} in lab ${lab.name}`, {
      where: lab.source,
      fix: `use one of: all, ${lab.hosts.map((h) => h.name).join(', ')}`,
    });
  }
  if (options.to !== undefined) {
    validateSnapshotName(options.to);
    const root = snapshotRoot(record.stateDir, options.to);
    const missing = hosts.filter((h) => !existsSync(join(root, h.name)));
    if (missing.length > 0) {
      const known = listSnapshots(record.stateDir);
      throw new UsageError(`lab ${lab.name} has no snapshot ${options.to} of ${missing.map((h) => h.name).join(', ')}`, {
        fix: known.length > 0 ? `snapshots: ${known.join(', ')}` : 'no snapshots yet: they are taken when a chapter completes',
      });
    }
  }
  const started = Date.now();
  await Promise.all(
    hosts.map(async (host) => {
      const machine = record.machines.find((m) => m.host === host.name);
      if (!machine)
        throw new UsageError(`host ${host.name} is not part of the running lab ${lab.name}`, {
          fix: 'run kthw lab down and up again after changing the lab file',
        });
      await stopMachine(machine, record.stateDir);
      await restoreDisk(record, machine, options.to);
      machine.supervisorPid = startMachine(lab, host, machine, record.image, record.stateDir);
    }),
  );
  writeRecord(record);
  const timeout = options.sshTimeoutMs ?? 60_000;
  await Promise.all(hosts.map((h) => waitForSsh(lab.name, h.name, primaryAddress(lab, h), h.ssh.port, timeout)));
  log(`reset ${hosts.map((h) => h.name).join(', ')} to ${options.to ?? 'the bare image'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
