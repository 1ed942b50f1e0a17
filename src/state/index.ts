/** The lab directory and its state file: the durable record of a lab's progress. */
export { writeFileAtomic, fsyncDirectory } from './atomic-write.js';
export { sha256File, sha256Text } from './fingerprint.js';
export { defaultStateRoot, ensureLabDir, isPrivateKeyFile, labDir, type LabPaths } from './lab-dir.js';
export type { LockHolder } from './lock-holder.js';
export { migrations, stateV1Schema, type StateV1 } from './migrations.js';
export { parseStateText, readStateFile, type LoadedState } from './read-state.js';
export { forgetChapter, recordChecks, recordStep, setChapterParams, stepStatus, type StepOutcome } from './record.js';
export {
  currentStateVersion,
  emptyState,
  labStateSchema,
  type ChapterRecord,
  type CheckRecord,
  type LabIdentity,
  type LabState,
  type StepRecord,
} from './schema.js';
export { assertNoSecrets, findSecrets, type SecretFinding } from './secret-guard.js';
export { StateStore, type Mutator, type StateStoreOptions, type UpdateOptions } from './state-store.js';
export { StateLockedError, withStateLock, type LockOptions } from './state-lock.js';
