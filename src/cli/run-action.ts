import { ExitCode, KthwError, formatError } from '../util/errors.js';

/** Internal errors (bugs in kthw) leave with this code; documented in the README. */
export const INTERNAL_ERROR = 4;

/**
 * Runs a command body and turns its outcome into an exit code: a KthwError prints one clear message
 * (as JSON on stdout with --json), anything else is reported as an internal error. Stack traces only
 * with KTHW_DEBUG=1.
 */
export async function runAction(json: boolean, body: () => Promise<number | void>): Promise<never> {
  let code: number;
  try {
    code = (await body()) ?? ExitCode.ok;
  } catch (error) {
    code = reportError(error, json);
  }
  process.exitCode = code;
  // Let stdout drain; open handles (sockets, timers) must not keep a finished command alive.
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(code);
}

function reportError(error: unknown, json: boolean): number {
  const debug = process.env.KTHW_DEBUG === '1';
  if (error instanceof KthwError) {
    if (json) {
      process.stdout.write(`${JSON.stringify({ error: { message: error.message, where: error.where, fix: error.fix, exitCode: error.exitCode } }, null, 2)}\n`);
    } else {
      process.stderr.write(`${formatError(error)}\n`);
    }
    if (debug) process.stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (json) {
    process.stdout.write(`${JSON.stringify({ error: { message: `internal error: ${message}`, exitCode: INTERNAL_ERROR } }, null, 2)}\n`);
  } else {
    process.stderr.write(`error: internal error: ${message}\n  fix:   this is a bug in kthw; run again with KTHW_DEBUG=1 and report the stack trace\n`);
  }
  if (debug && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return INTERNAL_ERROR;
}
