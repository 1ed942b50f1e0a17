import { EnvironmentError, UsageError } from '../util/errors.js';

/** The connection to a host went away under a running command or transfer; the step can be re-run. */
export class SshConnectionLost extends EnvironmentError {
  readonly host: string;
  constructor(host: string, detail: string, cause?: unknown) {
    super(`the SSH connection to ${host} was lost (${detail})`, {
      where: host,
      fix: `check that ${host} is up and reachable, then run the step again; kthw reconnects on the next command`,
      cause,
    });
    this.name = 'SshConnectionLost';
    this.host = host;
  }
}

/** A connection could not be set up: unreachable, timed out, or authentication refused. */
export class SshConnectError extends EnvironmentError {
  readonly host: string;
  constructor(host: string, message: string, fix: string, cause?: unknown) {
    super(message, { where: host, fix, cause });
    this.name = 'SshConnectError';
    this.host = host;
  }
}

export type HostKeyProblem = 'unknown' | 'changed' | 'revoked';

/** The host offered a key known_hosts does not vouch for. Never accepted silently. */
export class SshHostKeyRefused extends EnvironmentError {
  readonly host: string;
  readonly problem: HostKeyProblem;
  /** SHA256 fingerprint of the key the host offered, OpenSSH format. */
  readonly fingerprint: string;
  constructor(host: string, problem: HostKeyProblem, fingerprint: string, message: string, fix: string) {
    super(message, { where: host, fix });
    this.name = 'SshHostKeyRefused';
    this.host = host;
    this.problem = problem;
    this.fingerprint = fingerprint;
  }
}

/** A private key file we must not use (too open, unreadable, passphrase-protected, not a key). */
export class SshIdentityError extends UsageError {
  constructor(message: string, where: string, fix: string, cause?: unknown) {
    super(message, { where, fix, cause });
    this.name = 'SshIdentityError';
  }
}
