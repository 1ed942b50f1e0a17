/**
 * What running a command needs beyond commander: loaded with the first command that runs, so
 * `kthw --help` and `kthw --version` read only the entry file (bench/startup.mjs).
 */
export { globalOptions } from './global-options.js';
export { runAction } from './run-action.js';
export { UsageError } from '../util/errors.js';
