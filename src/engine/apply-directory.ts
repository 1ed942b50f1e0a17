import type { DirectoryAction } from '../plan/types.js';
import { sh } from '../ssh/shell-quote.js';
import type { HostExecutor } from './executor.js';

const octal = /^0?[0-7]{3,4}$/;

/**
 * Makes a directory (parents included, as `mkdir -p`) and brings its mode and owner to what is
 * wanted, in one exec that changes nothing when all is already so. Returns whether the host changed.
 */
export async function applyDirectory(
  executor: HostExecutor,
  host: string,
  dir: DirectoryAction,
  signal?: AbortSignal,
): Promise<{ changed: boolean; error?: string }> {
  if (!octal.test(dir.mode)) return { changed: false, error: `mode ${JSON.stringify(dir.mode)} of ${dir.path} is not an octal mode such as 0755` };
  const mode = parseInt(dir.mode, 8).toString(8);
  const owner = dir.owner === undefined && dir.group === undefined ? undefined : `${dir.owner ?? ''}${dir.group === undefined ? '' : `:${dir.group}`}`;
  const wanted = [sh`[ -d ${dir.path} ]`, sh`[ "$(stat -c %a ${dir.path})" = ${mode} ]`];
  if (dir.owner !== undefined) wanted.push(sh`[ "$(stat -c %U ${dir.path})" = ${dir.owner} ]`);
  if (dir.group !== undefined) wanted.push(sh`[ "$(stat -c %G ${dir.path})" = ${dir.group} ]`);
  const make = [sh`mkdir -p ${dir.path}`, sh`chmod ${dir.mode} ${dir.path}`, ...(owner === undefined ? [] : [sh`chown ${owner} ${dir.path}`]), 'echo changed'];
  const result = await executor.exec(host, `if ${wanted.join(' && ')}; then :; else ${make.join(' && ')}; fi`, { signal });
  if (result.code !== 0) return { changed: false, error: result.stderr.trim() || `exit ${result.code}` };
  return { changed: result.stdout.includes('changed') };
}
