import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

// sbin directories are searched too: as root, tools like `ip` live there even when PATH is minimal.
const EXTRA_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** The path of an executable on PATH (or an sbin directory), or undefined. Spawns nothing. */
export function findExecutable(name: string, path = process.env.PATH ?? ''): string | undefined {
  const dirs = [...path.split(delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
