import { rmSync } from 'node:fs';
import { EnvironmentError } from '../../src/util/errors.js';
import { silent, type LabLog } from './log.js';
import { stopMachine } from './machine.js';
import { labCgroup } from './names.js';
import { destroyNetwork } from './network.js';
import { labStateDir } from './paths.js';
import { processRunning, removeCgroup, removeEmptyCgroup } from './processes.js';
import { readRecord, removeRecord } from './runtime-record.js';

export interface LabDownOptions {
  log?: LabLog;
  /** Keep the machines' upper dirs and snapshots (the learner's progress) for the next `labUp`. */
  keep?: boolean;
}

/**
 * Stops every machine of the lab and removes its namespaces, veths, cgroups and runtime record,
 * found by the names and pids recorded when the lab came up; without `keep`, the machines' disks
 * too. Safe to run twice and after a killed `labUp`.
 */
export async function labDown(labName: string, options: LabDownOptions = {}): Promise<void> {
  const log = options.log ?? silent;
  const record = readRecord(labName);
  if (record) {
    if (record.upPid !== undefined && record.upPid !== process.pid && processRunning(record.upPid)) {
      throw new EnvironmentError(`kthw (pid ${record.upPid}) is still bringing lab ${labName} up`, { fix: 'wait for it or stop it first' });
    }
    await Promise.all(record.machines.map((m) => stopMachine(m, record.stateDir)));
    await destroyNetwork(record);
    removeCgroup(labCgroup(labName));
    removeEmptyCgroup('kthw');
    if (!options.keep) rmSync(record.stateDir, { recursive: true, force: true });
    removeRecord(labName);
    log(`lab ${labName} down${options.keep ? ' (machine disks kept)' : ''}`);
  } else {
    removeCgroup(labCgroup(labName));
    removeEmptyCgroup('kthw');
    if (!options.keep) rmSync(labStateDir(labName), { recursive: true, force: true });
    log(`lab ${labName} is not running`);
  }
}
