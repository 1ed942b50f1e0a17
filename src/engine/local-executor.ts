import { execFileSync, spawn } from 'node:child_process';
import { chmod, chown, rename, writeFile } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { BoundedOutput } from '../ssh/bounded-output.js';
import type { ExecOptions, ExecResult, HostExecutor, UploadOptions } from './executor.js';

/** Runs commands with bash on this machine: host `local` in plans, and tests without a lab. */
export const localExecutor: HostExecutor = {
  exec(_host: string, command: string, options: ExecOptions = {}): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      const child = spawn('bash', ['-c', command], {
        stdio: ['pipe', 'pipe', 'pipe'],
        signal: options.signal,
        timeout: options.timeoutMs,
        cwd: options.cwd,
        env: options.env ? { ...process.env, ...options.env } : undefined,
      });
      const stdout = new BoundedOutput();
      const stderr = new BoundedOutput();
      const outText = new StringDecoder('utf8');
      const errText = new StringDecoder('utf8');
      child.stdout.on('data', (chunk: Buffer) => {
        stdout.push(chunk);
        const text = outText.write(chunk);
        if (text) options.onStdout?.(text);
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr.push(chunk);
        const text = errText.write(chunk);
        if (text) options.onStderr?.(text);
      });
      child.on('error', (error) =>
        error.name === 'AbortError' ? resolve({ code: null, signal: 'SIGTERM', stdout: stdout.toString(), stderr: stderr.toString() }) : reject(error),
      );
      child.on('close', (code, signal) => resolve({ code, signal, stdout: stdout.toString(), stderr: stderr.toString() }));
      // A command that exits without reading stdin closes the pipe first: EPIPE here is not a failure.
      child.stdin.on('error', () => {});
      child.stdin.end(options.stdin ?? '');
    });
  },

  async upload(_host: string, path: string, content: Buffer | string, options: UploadOptions): Promise<void> {
    const temp = join(dirname(path), `.${basename(path)}.kthw-${process.pid}`);
    await writeFile(temp, content, { mode: 0o600 });
    await chmod(temp, parseInt(options.mode, 8));
    if (options.owner !== undefined || options.group !== undefined) {
      const uid = options.owner === undefined ? -1 : Number(execFileSync('id', ['-u', options.owner], { encoding: 'utf8' }).trim());
      const gid = options.group === undefined ? -1 : Number(execFileSync('getent', ['group', options.group], { encoding: 'utf8' }).split(':')[2]);
      await chown(temp, uid, gid);
    }
    await rename(temp, path);
  },
};
