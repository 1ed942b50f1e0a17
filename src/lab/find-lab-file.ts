/**
 * Where `--lab FILE` points. A path that exists from the current directory is used as given; a
 * relative one that does not is looked up in the kthw package too (`lab/classic.yaml` and
 * `classic.yaml` both find the shipped file wherever kthw runs). Nothing found: an error naming
 * every place looked at.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { UsageError } from '../util/errors.js';
import { packageRoot } from '../util/package-root.js';
import { builtinLabPath } from './load.js';

export function findLabFile(given: string | undefined, cwd = process.cwd()): string {
  if (given === undefined) return builtinLabPath('classic');
  const candidates = [resolve(cwd, given)];
  if (!isAbsolute(given)) {
    const root = packageRoot(import.meta.url);
    candidates.push(join(root, given), join(root, 'lab', given));
  }
  const unique = [...new Set(candidates)];
  const found = unique.find((path) => existsSync(path));
  if (found !== undefined) return found === candidates[0] ? given : found;
  throw new UsageError(`cannot find lab file ${given}: looked at ${unique.join(', ')}`, {
    where: given,
    fix: `give the path of a lab YAML file; the shipped ones are ${builtinLabPath('classic')} and ${builtinLabPath('ipv6-ha')} (--lab lab/classic.yaml finds them from anywhere)`,
  });
}
