import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labDir as stateLabDir } from '../../src/state/lab-dir.js';

/**
 * Where the local lab keeps things. Three places, on purpose:
 * - the lab dir (user state: SSH key, pinned known_hosts, ssh_config), under KTHW_HOME;
 * - the machine state (overlay upper dirs, snapshots), host-wide under /var/lib/kthw/<lab>;
 * - the runtime record (what is running now), under /run/kthw: gone after a host reboot, as are
 *   the namespaces and processes it describes.
 * Lab names are host-wide: namespaces and cgroups are named after them.
 */
export function labDir(labName: string): string {
  return stateLabDir(labName).dir;
}

export function sshDir(labName: string): string {
  return stateLabDir(labName).ssh;
}

export function machineStateRoot(): string {
  return process.env.KTHW_LAB_STATE ?? '/var/lib/kthw';
}

export function labStateDir(labName: string): string {
  return join(machineStateRoot(), labName);
}

export function runtimeRoot(): string {
  return process.env.KTHW_RUNTIME ?? '/run/kthw';
}

export function imageCacheRoot(): string {
  return process.env.KTHW_IMAGE_CACHE ?? '/var/cache/kthw/images';
}

/** The project root (holding lab/image), found from this module whether run from src or a bundle. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && existsSync(join(dir, 'lab', 'image'))) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'kthw') return dir;
      } catch {
        // not ours, keep walking
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
    dir = parent;
  }
}
