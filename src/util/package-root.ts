import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cache = new Map<string, string>();

/**
 * The directory of the `kthw` package. The code runs both bundled (dist/commands/*.js, dist/chunks/*.js)
 * and unbundled (src/**), so no fixed number of `..` is right: walk up from the calling module
 * until a package.json named "kthw" appears.
 */
export function packageRoot(from: string | URL = import.meta.url, name = 'kthw'): string {
  const start = dirname(typeof from === 'string' && !from.startsWith('file:') ? from : fileURLToPath(from));
  const key = `${name}\0${start}`;
  const known = cache.get(key);
  if (known !== undefined) return known;
  for (let dir = start; ; dir = dirname(dir)) {
    if (readPackageName(join(dir, 'package.json')) === name) {
      cache.set(key, dir);
      return dir;
    }
    if (dirname(dir) === dir) break;
  }
  throw new Error(`no package.json named "${name}" above ${start}`);
}

function readPackageName(file: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && 'name' in parsed && typeof parsed.name === 'string' ? parsed.name : undefined;
  } catch {
    return undefined;
  }
}
