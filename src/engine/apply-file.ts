import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import { sh } from '../ssh/shell-quote.js';
import type { HostExecutor } from './executor.js';

export interface DesiredFile {
  path: string;
  content: Buffer;
  mode: string;
  owner?: string;
  group?: string;
}

/** Octal mode without leading zeros, as `stat -c %a` prints it. */
const statMode = (mode: string) => String(parseInt(mode, 8).toString(8));

/**
 * Places a file only when its content, mode or ownership differ from what is wanted: replays of
 * an unchanged plan write nothing and restart nothing. Returns whether the host changed.
 */
export async function applyFile(executor: HostExecutor, host: string, file: DesiredFile, signal?: AbortSignal): Promise<boolean> {
  const probe = sh`if [ -f ${file.path} ]; then sha256sum < ${file.path} | cut -d' ' -f1; stat -c '%a %U %G' ${file.path}; else echo absent; fi`;
  const current = await executor.exec(host, probe, { signal });
  const [hash = '', meta = ''] = current.stdout.trim().split('\n');
  const wantedHash = createHash('sha256').update(file.content).digest('hex');
  const [mode, owner, group] = meta.split(' ');
  const same =
    hash === wantedHash &&
    mode === statMode(file.mode) &&
    (file.owner === undefined || owner === file.owner) &&
    (file.group === undefined || group === file.group);
  if (same) return false;
  await executor.exec(host, sh`mkdir -p ${dirname(file.path)}`, { signal });
  await executor.upload(host, file.path, file.content, { mode: file.mode, owner: file.owner, group: file.group });
  return true;
}
