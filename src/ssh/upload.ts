import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import { UsageError, EnvironmentError } from '../util/errors.js';
import type { Connection } from './connection.js';
import { SshConnectionLost } from './errors.js';
import { execOn } from './exec-channel.js';
import { sh } from './shell-quote.js';

export interface SshUploadOptions {
  /** Octal, `'0644'` / `'644'`, or a number such as 0o644. */
  mode: string | number;
  owner?: string;
  group?: string;
}

export function parseMode(mode: string | number): number {
  if (typeof mode === 'number' && Number.isInteger(mode) && mode >= 0 && mode <= 0o7777) return mode;
  if (typeof mode === 'string' && /^[0-7]{3,4}$/.test(mode)) return parseInt(mode, 8);
  throw new UsageError(`file mode ${JSON.stringify(mode)} is not an octal mode`, { fix: "write modes as octal strings such as '0644' or '0600'" });
}

/** Runs one SFTP call, failing with SshConnectionLost if the connection drops under it. */
function sftpCall<T>(connection: Connection, call: (done: (error: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const untrack = connection.track(reject);
    call((error, value) => {
      untrack();
      if (error) reject(error);
      else resolve(value as T);
    });
  });
}

/**
 * Writes `content` to a temporary name beside `remotePath`, sets mode (and owner/group), then renames
 * it over the target: a reader never sees a half-written file or one with the wrong mode.
 */
export async function uploadOn(connection: Connection, remotePath: string, content: Buffer | string, options: SshUploadOptions): Promise<void> {
  if (!posix.isAbsolute(remotePath) || remotePath.includes('\0') || remotePath.endsWith('/')) {
    throw new UsageError(`upload target ${JSON.stringify(remotePath)} is not an absolute file path`, {
      where: connection.host.name,
      fix: 'give the full path of the file on the host, e.g. /etc/kubernetes/pki/ca.crt',
    });
  }
  const mode = parseMode(options.mode);
  const temp = posix.join(posix.dirname(remotePath), `.${posix.basename(remotePath)}.kthw-${randomBytes(6).toString('hex')}.tmp`);
  const where = `${connection.host.name}:${remotePath}`;
  let written = false;
  let sftp: SFTPWrapper | undefined;
  try {
    sftp = await connection.sftp();
    const session = sftp;
    await sftpCall<void>(connection, (done) => session.writeFile(temp, content, { mode: 0o600 }, done));
    written = true;
    // The server's umask applied at open; set the exact mode now.
    await sftpCall<void>(connection, (done) => session.chmod(temp, mode, done));
    if (options.owner !== undefined || options.group !== undefined) {
      const command =
        options.owner !== undefined
          ? sh`chown ${options.group === undefined ? options.owner : `${options.owner}:${options.group}`} ${temp}`
          : sh`chgrp ${options.group!} ${temp}`;
      const result = await execOn(connection, command);
      if (result.code !== 0) {
        throw new EnvironmentError(
          `cannot set owner of ${where} to ${[options.owner, options.group].filter(Boolean).join(':')}: exit ${result.code ?? result.signal ?? 'status missing'}${result.stderr.trim() ? `: ${result.stderr.trim()}` : ''}`,
          {
            where,
            fix: 'check that the user and group exist on the host (the chapter that creates them must run first)',
          },
        );
      }
    }
    await sftpCall<void>(connection, (done) => session.ext_openssh_rename(temp, remotePath, done));
    written = false;
  } catch (error) {
    if (error instanceof SshConnectionLost || error instanceof EnvironmentError) throw error;
    if (await connection.endsWithin(250)) throw connection.lostError(error);
    throw new EnvironmentError(`cannot upload ${where}: ${(error as Error).message}`, {
      where,
      fix: `check that the directory ${posix.dirname(remotePath)} exists on ${connection.host.name} and is writable by the SSH user`,
      cause: error,
    });
  } finally {
    if (written && sftp && connection.alive) {
      const session = sftp;
      await new Promise<void>((resolve) => session.unlink(temp, () => resolve()));
    }
  }
}
