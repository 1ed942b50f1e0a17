/**
 * Every error a user can cause or meet carries what went wrong, where, and how to fix it,
 * plus the exit code the CLI leaves with. The CLI prints these as one message, never a stack
 * trace (unless KTHW_DEBUG=1).
 */
export const ExitCode = {
  ok: 0,
  checksFailed: 1,
  usage: 2,
  environment: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface KthwErrorDetails {
  /** file:line:column, a host name, a path: where the problem is. */
  where?: string;
  /** One sentence telling the user what to do about it. */
  fix?: string;
  exitCode?: ExitCode;
  cause?: unknown;
}

export class KthwError extends Error {
  readonly where?: string;
  readonly fix?: string;
  readonly exitCode: ExitCode;

  constructor(message: string, details: KthwErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'KthwError';
    this.where = details.where;
    this.fix = details.fix;
    this.exitCode = details.exitCode ?? ExitCode.usage;
  }
}

/** Bad input from the user: a lab file, an argument, a state file. Exit code 2. */
export class UsageError extends KthwError {
  constructor(message: string, details: Omit<KthwErrorDetails, 'exitCode'> = {}) {
    super(message, { ...details, exitCode: ExitCode.usage });
    this.name = 'UsageError';
  }
}

/** The environment is not fit: a lab unreachable, a missing host tool, not root. Exit code 3. */
export class EnvironmentError extends KthwError {
  constructor(message: string, details: Omit<KthwErrorDetails, 'exitCode'> = {}) {
    super(message, { ...details, exitCode: ExitCode.environment });
    this.name = 'EnvironmentError';
  }
}

export function formatError(error: KthwError): string {
  const lines = [`error: ${error.message}`];
  if (error.where) lines.push(`  where: ${error.where}`);
  if (error.fix) lines.push(`  fix:   ${error.fix}`);
  return lines.join('\n');
}
