/**
 * Work done on the learner's own machine, inside kthw: the PKI, the encryption key, SSH keys.
 * Outputs land in the lab directory; plans reference them by path, never embed them.
 * Generators are idempotent: what exists is kept, so a replay reuses the same PKI.
 */
import type { Lab } from '../lab/types.js';
import type { GenerateAction } from '../plan/types.js';

export interface GeneratorContext {
  lab: Lab;
  labDir: string;
  /** Tells the learner what a generator did and why (shown with the step's output). */
  note?: (message: string) => void;
}

/** Returns whether anything new was generated. */
export type Generator = (items: string[], context: GeneratorContext) => Promise<boolean>;

export type Generators = Record<GenerateAction['generator'], Generator>;
