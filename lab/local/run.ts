import { spawn } from 'node:child_process';
import { EnvironmentError } from '../../src/util/errors.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Do not throw on a non-zero exit; the caller inspects `code`. */
  allowFail?: boolean;
  timeoutMs?: number;
}

/** Runs a program with an argv (never through a shell) and collects its output. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      env: options.env ?? process.env,
      cwd: options.cwd,
      timeout: options.timeoutMs,
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) =>
      reject(
        new EnvironmentError(`cannot run ${command}: ${error.message}`, {
          fix: 'run `bash lab/setup-host.sh` as root to install what the local lab needs',
          cause: error,
        }),
      ),
    );
    child.on('close', (code, signal) => {
      const result = { code: code ?? 128, stdout, stderr };
      if (code === 0 || options.allowFail) resolve(result);
      else reject(new EnvironmentError(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`}): ${stderr.trim() || stdout.trim()}`));
    });
    if (child.stdin) {
      child.stdin.on('error', () => {}); // a program that exits without reading its input
      child.stdin.end(options.input);
    }
  });
}
