import type { Lab } from '../lab/types.js';

/**
 * Work done on the learner's own machine, inside kthw: the PKI, the encryption key, SSH keys.
 * Outputs land in the lab directory; plans reference them by path, never embed them.
 * Generators are idempotent: what exists is kept, so a replay reuses the same PKI.
 * A chapter registers its own (ChapterModule.generators); the engine knows none by name.
 */
export interface GeneratorContext {
  lab: Lab;
  labDir: string;
  /** Tells the learner what a generator did and why (shown with the step's output). */
  note?: (message: string) => void;
}

/** Returns whether anything new was generated. */
export type Generator = (items: string[], context: GeneratorContext) => Promise<boolean>;

/** A generator loaded on first use: its code (node-forge, ssh-keygen wrappers) costs nothing until a plan runs it. */
export type GeneratorLoader = () => Promise<Generator>;
