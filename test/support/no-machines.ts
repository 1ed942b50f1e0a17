import type { LocalLab } from '../../src/lab/local-lab.js';

/** A lab whose machines do not run on this host: nothing to snapshot, reset or default. */
export const noMachines: LocalLab = {
  isRunning: () => false,
  snapshots: () => Promise.resolve([]),
  snapshot: () => Promise.resolve(),
  params: () => ({}),
  reset: () => Promise.resolve(),
};
