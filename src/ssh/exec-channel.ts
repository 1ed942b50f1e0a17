import { randomBytes } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import type { ClientChannel } from 'ssh2';
import type { Connection } from './connection.js';
import { BoundedOutput } from './bounded-output.js';

export interface SshExecOptions {
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
  signal?: AbortSignal;
  stdin?: string | Buffer;
  timeoutMs?: number;
}

export interface SshExecResult {
  /** Exit status, or null when the command died of a signal or was cancelled. */
  code: number | null;
  /** `SIGTERM`-style name when the remote command died of a signal (or was cancelled). */
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Stopped through the AbortSignal or the timeout; the remote processes were killed. */
  cancelled: boolean;
  timedOut: boolean;
}

/**
 * Every command runs with a unique KTHW_EXEC marker in its environment, inherited by everything it
 * starts. Closing an SSH channel does not stop a command that has no terminal, and OpenSSH refuses
 * the `signal` request in many set-ups (root sessions among them), so cancelling runs a second
 * command that kills every process showing the marker (in its environment, or in its command line:
 * the login shell's /proc environ predates its `export`) and every process of their sessions (sshd
 * starts each command in a session of its own).
 */
const markerName = 'KTHW_EXEC';

export function killMarkedScript(marker: string): string {
  return [
    // Spelled in two parts so this script's own command line does not match.
    `k=${markerName}; x=${marker}`,
    'found=$(grep -lsF "$k=$x" /proc/[0-9]*/environ /proc/[0-9]*/cmdline)',
    // grep also fails on unreadable entries (exited processes, kernel threads), so judge by its output.
    '[ -n "$found" ] || exit 0',
    'field() { n=$2; read -r s < "/proc/$1/stat" 2>/dev/null || return 1; s=${s##*) }; set -- $s; eval "echo \\${$n}"; }',
    'own=$(field $$ 4)',
    'pids=; sids=',
    'for f in $found; do p=${f#/proc/}; p=${p%/*}; sid=$(field $p 4) || continue; pids="$pids $p"; [ "$sid" = "$own" ] || [ "$sid" -le 1 ] || sids="$sids $sid"; done',
    'for d in /proc/[0-9]*; do read -r s < $d/stat 2>/dev/null || continue; s=${s##*) }; set -- $s',
    '  for sid in $sids; do [ "$4" = "$sid" ] && pids="$pids ${d#/proc/}"; done; done',
    '[ -n "$pids" ] || exit 0',
    // Stopped first, so no shell runs its next command between its child's death and its own.
    'kill -STOP $pids 2>/dev/null; kill -TERM $pids 2>/dev/null; kill -CONT $pids 2>/dev/null',
    'i=0; while [ $i -lt 20 ]; do alive=; for q in $pids; do st=$(field $q 1) && [ "$st" != Z ] && alive="$alive $q"; done',
    '  [ -n "$alive" ] || exit 0; sleep 0.05; i=$((i+1)); done',
    'kill -KILL $alive 2>/dev/null; exit 0',
  ].join('\n');
}

/**
 * Opens an exec channel and hands it to `attach` inside ssh2's callback, before anything else runs:
 * ssh2 may parse a channel's confirmation, output, exit-status and close from one TCP read, so a
 * listener added after an `await` would miss them. A refused open while the connection is fine
 * (sshd still tearing down a just-closed session at MaxSessions) is retried briefly.
 */
function openExec(connection: Connection, command: string, attach: (channel: ClientChannel) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let attempt = 0;
    const untrack = connection.track(reject);
    const open = () => {
      try {
        connection.client.exec(command, (error, channel) => {
          if (error) {
            if (connection.alive && /open failed/i.test(error.message) && ++attempt <= 20) {
              setTimeout(open, 10 * attempt);
              return;
            }
            untrack();
            reject(connection.alive ? error : connection.lostError(error));
            return;
          }
          untrack();
          attach(channel);
          resolve();
        });
      } catch (error) {
        untrack();
        reject(connection.lostError(error));
      }
    };
    open();
  });
}

/** Runs the marker killer; never throws: cancellation must not fail because cleanup did. */
async function killMarked(connection: Connection, marker: string): Promise<void> {
  const release = await connection.reserveSlot.acquire();
  try {
    let closed!: Promise<void>;
    await openExec(connection, killMarkedScript(marker), (channel) => {
      closed = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 5_000);
        channel.on('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      channel.on('error', () => {});
      channel.resume();
      channel.stderr.resume();
      channel.end();
    });
    await closed;
  } catch {
    // The connection is gone; nothing more can be done from here.
  } finally {
    release?.();
  }
}

type Stop = 'cancelled' | 'timedOut';

export async function execOn(connection: Connection, command: string, options: SshExecOptions = {}): Promise<SshExecResult> {
  const empty = { stdout: '', stderr: '', code: null, signal: null };
  if (options.signal?.aborted) return { ...empty, cancelled: true, timedOut: false };
  const release = await connection.slots.acquire(options.signal);
  if (!release) return { ...empty, cancelled: true, timedOut: false };
  const marker = randomBytes(12).toString('hex');

  return new Promise<SshExecResult>((resolve, reject) => {
    const out = new BoundedOutput();
    const err = new BoundedOutput();
    const outText = new StringDecoder('utf8');
    const errText = new StringDecoder('utf8');
    let channel: ClientChannel | undefined;
    let code: number | null = null;
    let signal: string | null = null;
    let exited = false;
    let settled = false;
    let stopping: Stop | undefined;

    const cleanup = () => {
      settled = true;
      release();
      untrack();
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    const finish = () => {
      if (settled) return;
      cleanup();
      const tailOut = outText.end();
      const tailErr = errText.end();
      if (tailOut) options.onStdout?.(tailOut);
      if (tailErr) options.onStderr?.(tailErr);
      resolve({
        code: stopping ? null : code,
        signal: signal ?? (stopping ? 'SIGTERM' : null),
        stdout: out.toString(),
        stderr: err.toString(),
        cancelled: stopping !== undefined,
        timedOut: stopping === 'timedOut',
      });
    };
    const fail = (error: unknown) => {
      if (settled) return;
      cleanup();
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    const untrack = connection.track(fail);
    const stop = async (why: Stop) => {
      if (settled || stopping) return;
      stopping = why;
      // Not open yet (the server is slow to answer): report now; attach() kills it if it opens later.
      if (!channel) return finish();
      try {
        channel.signal('TERM');
      } catch {
        // Not all servers take signal requests; the marker kill below covers them.
      }
      await killMarked(connection, marker);
      channel.close();
      finish();
    };
    const onAbort = () => void stop('cancelled');
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => void stop('timedOut'), options.timeoutMs);
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const attach = (opened: ClientChannel) => {
      channel = opened;
      if (settled) {
        opened.on('error', () => {});
        opened.resume();
        opened.stderr.resume();
        opened.end();
        void killMarked(connection, marker).then(() => opened.close());
        return;
      }
      opened.on('data', (chunk: Buffer) => {
        out.push(chunk);
        if (options.onStdout) {
          const text = outText.write(chunk);
          if (text) options.onStdout(text);
        }
      });
      opened.stderr.on('data', (chunk: Buffer) => {
        err.push(chunk);
        if (options.onStderr) {
          const text = errText.write(chunk);
          if (text) options.onStderr(text);
        }
      });
      opened.on('exit', (exitCode: number | null, signalName?: string) => {
        exited = true;
        code = exitCode;
        if (signalName) signal = signalName.startsWith('SIG') ? signalName : `SIG${signalName}`;
      });
      opened.on('close', () => {
        if (stopping) return;
        if (exited) return finish();
        // No exit status: ssh2 closes channels as the connection drops, often a moment before the
        // connection itself reports it. Let the connection speak first.
        void connection.endsWithin(250).then((lost) => {
          if (!lost) finish();
        });
      });
      opened.on('error', () => {
        // Surfaced through close / the connection; an error here alone carries no exit status.
      });
      opened.end(options.stdin ?? '');
    };
    openExec(connection, `${markerName}=${marker}; export ${markerName}; ${command}`, attach).catch(fail);
  });
}
