import type { Lab } from './types.js';

/**
 * What the application needs from a lab whose machines run on this host (`kthw lab up`): disk
 * snapshots taken when a chapter first starts, and a machine put back to one of them. The local
 * lab (lab/local/driver.ts) implements it; a lab of real machines has none.
 */
export interface LocalLab {
  /** Whether this lab's machines run on this host. */
  isRunning(lab: Lab): boolean;
  /** The snapshots taken so far (chapter ids). */
  snapshots(lab: Lab): Promise<string[]>;
  snapshot(lab: Lab, name: string): Promise<void>;
  /**
   * Parameters this host gives every chapter of the lab while it runs it (the release mirror kthw
   * built from source, so chapter 02 needs no `--mirror`); none for a lab that is not running here.
   */
  params(lab: Lab): Record<string, string>;
  /** Puts a host (or `all`) back to the snapshot `to`. */
  reset(lab: Lab, host: string, to: string): Promise<void>;
}
