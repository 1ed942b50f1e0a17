import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const KTHW_BIN = fileURLToPath(new URL('../../bin/kthw.js', import.meta.url));

export interface KthwRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would, with no TTY and no colour unless asked. */
export function runKthw(args: string[], options: { cwd?: string; env?: Record<string, string | undefined>; input?: string } = {}): KthwRun {
  const result = spawnSync(process.execPath, [KTHW_BIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', KTHW_DEBUG: undefined, ...options.env },
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
