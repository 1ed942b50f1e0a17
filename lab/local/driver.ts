/**
 * The local lab as the application core sees it (src/lab/local-lab.ts). The machine code loads on
 * first use: a session on a lab that is not running here reads only the runtime record.
 */
import type { LocalLab } from '../../src/lab/local-lab.js';
import { readRecord } from './runtime-record.js';

const machines = () => import('./index.js');

export const localLab: LocalLab = {
  isRunning: (lab) => readRecord(lab.name) !== undefined,
  async snapshots(lab) {
    const record = readRecord(lab.name);
    return record ? (await machines()).listSnapshots(record.stateDir) : [];
  },
  params(lab) {
    const record = readRecord(lab.name);
    return record && record.source === lab.source ? { ...record.params } : {};
  },
  snapshot: async (lab, name) => (await machines()).labSnapshot(lab, name),
  reset: async (lab, host, to) => (await machines()).labReset(lab, host, { to }),
};
