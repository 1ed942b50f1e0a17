import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { shq } from '../../src/ssh/shell-quote.js';
import { EnvironmentError } from '../../src/util/errors.js';
import { silent, type LabLog } from './log.js';
import { imageCacheRoot, projectRoot } from './paths.js';
import { checkPrerequisites } from './prerequisites.js';
import { run } from './run.js';
import { allRecords } from './runtime-record.js';

export interface ImageOptions {
  log?: LabLog;
  /** Rebuild even when the cached image exists. */
  rebuild?: boolean;
  /** The cache directory (default /var/cache/kthw/images, or KTHW_IMAGE_CACHE). */
  cacheRoot?: string;
  mirror?: string;
}

export interface Image {
  /** The image's root file system: the read-only lower dir of every machine's overlay. */
  path: string;
  hash: string;
  built: boolean;
}

const SUITE = 'trixie';
/** Debian's mirror for the machine image and the pod images' packages. */
export const DEBIAN_MIRROR = 'http://deb.debian.org/debian';
/** Marker written last: a directory without it is not an image. */
const COMPLETE = 'etc/kthw-image';

interface Recipe {
  packages: string[];
  customize: string;
  customizePath: string;
  args: string[];
}

function readRecipe(mirror: string): Recipe {
  const dir = join(projectRoot(), 'lab', 'image');
  const packages = readFileSync(join(dir, 'packages.txt'), 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean);
  for (const pkg of packages) {
    if (!/^[a-z0-9][a-z0-9+.-]*$/.test(pkg)) throw new EnvironmentError(`bad package name in the image recipe: ${pkg}`, { where: join(dir, 'packages.txt') });
  }
  const customizePath = join(dir, 'customize.sh');
  const args = [
    '--quiet',
    '--variant=minbase',
    '--mode=root',
    '--components=main',
    '--aptopt=APT::Install-Recommends "false"',
    '--dpkgopt=path-exclude=/usr/share/man/*',
    '--dpkgopt=path-exclude=/usr/share/doc/*',
    '--dpkgopt=path-include=/usr/share/doc/*/copyright',
    '--dpkgopt=path-exclude=/usr/share/locale/*',
    `--include=${packages.join(',')}`,
  ];
  return { packages, customize: readFileSync(customizePath, 'utf8'), customizePath, args: [...args, SUITE, '{target}', mirror] };
}

export function imageHash(mirror = DEBIAN_MIRROR): string {
  const recipe = readRecipe(mirror);
  return createHash('sha256')
    .update(JSON.stringify({ args: recipe.args, customize: recipe.customize }))
    .digest('hex')
    .slice(0, 16);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Leftovers of builds whose process died (kill -9, power loss). */
function removeStaleBuilds(root: string): void {
  for (const entry of readdirSync(root)) {
    const match = /^\.build-[0-9a-f]+-(\d+)$/.exec(entry);
    if (!match || processAlive(Number(match[1]))) continue;
    try {
      rmSync(join(root, entry), { recursive: true, force: true });
    } catch {
      // an orphaned mmdebstrap may still be writing there; a later run removes it
    }
  }
}

/**
 * The machine image for the current recipe: from the cache, or built with mmdebstrap (Debian 13
 * minbase) into a temporary directory and renamed into place, so a half-built image never counts.
 */
export async function ensureImage(options: ImageOptions = {}): Promise<Image> {
  const log = options.log ?? silent;
  const root = options.cacheRoot ?? imageCacheRoot();
  const mirror = options.mirror ?? DEBIAN_MIRROR;
  const recipe = readRecipe(mirror);
  const hash = imageHash(mirror);
  const path = join(root, hash);
  if (!options.rebuild && existsSync(join(path, COMPLETE))) return { path, hash, built: false };

  if (process.getuid?.() !== 0) {
    throw new EnvironmentError('building the lab machine image needs root', {
      fix: 'run kthw lab commands as root (sudo)',
    });
  }
  checkPrerequisites({ buildImage: true });
  mkdirSync(root, { recursive: true, mode: 0o755 });
  removeStaleBuilds(root);
  const temp = join(root, `.build-${hash}-${process.pid}`);
  rmSync(temp, { recursive: true, force: true });
  log(`building the machine image ${hash} (Debian ${SUITE}, ${recipe.packages.length} packages); the first build takes a few minutes`);
  const started = Date.now();
  const args = recipe.args.map((arg) => (arg === '{target}' ? temp : arg));
  args.unshift(`--customize-hook=sh ${shq(recipe.customizePath)} "$1"`);
  try {
    const result = await run('mmdebstrap', args, { allowFail: true });
    if (result.code !== 0 || !existsSync(join(temp, COMPLETE))) {
      throw new EnvironmentError(`mmdebstrap failed to build the machine image (exit ${result.code})`, {
        where: recipe.customizePath,
        fix: `check that ${mirror} is reachable; mmdebstrap said: ${result.stderr.trim().split('\n').slice(-5).join(' | ')}`,
      });
    }
    if (existsSync(path)) rmSync(path, { recursive: true, force: true });
    renameSync(temp, path);
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  log(`machine image ${hash} built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  pruneUnusedImages(root, path, log);
  return { path, hash, built: true };
}

/** Older images no running lab boots from (a lab's record names its image). */
function pruneUnusedImages(root: string, current: string, log: LabLog): void {
  const inUse = new Set(allRecords().map((r) => r.image));
  for (const old of staleImages(root)) {
    if (old === current || inUse.has(old)) continue;
    rmSync(old, { recursive: true, force: true });
    log(`removed the older machine image ${old}`);
  }
}

/** Cached images other than the current one. */
export function staleImages(cacheRoot = imageCacheRoot()): string[] {
  if (!existsSync(cacheRoot)) return [];
  const current = imageHash();
  return readdirSync(cacheRoot)
    .filter((entry) => /^[0-9a-f]{16}$/.test(entry) && entry !== current)
    .map((entry) => join(cacheRoot, entry))
    .filter((p) => statSync(p).isDirectory());
}
