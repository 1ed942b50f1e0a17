export { runChecks, type CheckExecutor, type RunChecksOptions } from './run-checks.js';
export { buildBatchScript, type BatchScript, type BatchSection } from './batch-script.js';
/** Runs check scripts with bash on this machine: host `local`, and tests without a lab. */
export { localExecutor } from '../engine/local-executor.js';
