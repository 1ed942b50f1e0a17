import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const KTHW_BIN = fileURLToPath(new URL('../../bin/kthw.js', import.meta.url));

export interface KthwRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI as a user would, with no TTY and no colour unless asked; with `netns`, inside
 * that network namespace (one the test made: its addresses are nobody else's).
 */
export function runKthw(args: string[], options: { cwd?: string; env?: Record<string, string | undefined>; input?: string; netns?: string } = {}): KthwRun {
  const command =
    options.netns === undefined ? [process.execPath, KTHW_BIN, ...args] : ['ip', 'netns', 'exec', options.netns, process.execPath, KTHW_BIN, ...args];
  const result = spawnSync(command[0]!, command.slice(1), {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', KTHW_DEBUG: undefined, ...options.env },
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
