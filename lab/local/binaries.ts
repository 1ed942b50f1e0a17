/**
 * The local release mirror: the recipe of lab/binaries/ built once per machine into
 * /var/cache/kthw/binaries/<kubernetes version>-<recipe hash>/, laid out as upstream's download URLs
 * name the files (kube-apiserver, crictl-vX-linux-amd64.tar.gz, etcd-vX-linux-amd64.tar.gz), each
 * with a .sha256 file. Built in a temporary directory and renamed into place, under a lock, so a
 * half-built mirror never counts and two builds never collide.
 */
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentError } from '../../src/util/errors.js';
import { readRecipe, type BinariesRecipe, type MirrorFile } from './binaries-recipe.js';
import { goBuild, goCacheRoot, goFacts } from './go-build.js';
import { silent, type LabLog } from './log.js';
import { cacheLock, removeStaleBuilds } from './cache-lock.js';
import { run } from './run.js';

export interface BinariesOptions {
  log?: LabLog;
  /** Build again even when the cached mirror exists. */
  rebuild?: boolean;
  /** Default /var/cache/kthw/binaries, or KTHW_BINARIES_CACHE. */
  cacheRoot?: string;
}

export interface Binaries {
  /** The mirror directory: pass it as `--mirror`; the local lab records it for chapter 02. */
  dir: string;
  versions: BinariesRecipe['versions'];
  hash: string;
  /** Every file of the mirror (without the .sha256 files). */
  files: string[];
  built: boolean;
}

export function binariesCacheRoot(): string {
  return process.env.KTHW_BINARIES_CACHE ?? '/var/cache/kthw/binaries';
}

export async function currentRecipe(): Promise<BinariesRecipe> {
  const go = await goFacts();
  return readRecipe(go.version, go.arch);
}

/** Where the current recipe's mirror is (or will be) cached. */
export function mirrorDirOf(recipe: BinariesRecipe, cacheRoot = binariesCacheRoot()): string {
  return join(cacheRoot, `${recipe.versions.kubernetes}-${recipe.hash}`);
}

function result(recipe: BinariesRecipe, dir: string, built: boolean): Binaries {
  return { dir, versions: recipe.versions, hash: recipe.hash, files: recipe.files.map((f) => f.file), built };
}

/** The mirror of the current recipe: from the cache, or built now (minutes the first time). */
export async function ensureBinaries(options: BinariesOptions = {}): Promise<Binaries> {
  const log = options.log ?? silent;
  const root = options.cacheRoot ?? binariesCacheRoot();
  const recipe = await currentRecipe();
  const dir = mirrorDirOf(recipe, root);
  if (!options.rebuild && existsSync(dir)) return result(recipe, dir, false);

  mkdirSync(root, { recursive: true, mode: 0o755 });
  const release = await cacheLock(join(root, `.lock-${recipe.hash}`), log, 'binaries');
  try {
    // another process may have finished it while this one waited
    if (!options.rebuild && existsSync(dir)) return result(recipe, dir, false);
    await build(recipe, root, dir, log);
    return result(recipe, dir, true);
  } finally {
    release();
  }
}

async function build(recipe: BinariesRecipe, root: string, dir: string, log: LabLog): Promise<void> {
  removeStaleBuilds(root);
  const temp = join(root, `.build-${recipe.hash}-${process.pid}`);
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp, { recursive: true });
  const started = Date.now();
  const total = recipe.files.reduce((n, f) => n + (f.kind === 'binary' ? 1 : f.binaries.length), 0);
  let done = 0;
  const label = () => `binaries [${++done}/${total}, ${Math.round((Date.now() - started) / 1000)} s]`;
  log(
    `binaries: building Kubernetes ${recipe.versions.kubernetes}, etcd ${recipe.versions.etcd} and crictl ${recipe.versions.crictl} with ${recipe.goVersion} ` +
      `(recipe ${recipe.hash}); the first build takes many minutes, later ones reuse ${goCacheRoot()}`,
  );
  try {
    for (const file of recipe.files) {
      if (file.kind === 'binary') {
        await goBuild(file.binary, join(temp, file.file), join(recipe.root, file.binary.module), log, label());
      } else {
        await buildArchive(file, recipe, temp, log, label);
      }
      writeFileSync(join(temp, `${file.file}.sha256`), `${sha256Of(join(temp, file.file))}\n`);
    }
    rmSync(join(temp, '.stage'), { recursive: true, force: true });
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    renameSync(temp, dir);
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  log(`binaries: built in ${Math.round((Date.now() - started) / 1000)} s into ${dir}`);
}

async function buildArchive(
  file: Extract<MirrorFile, { kind: 'archive' }>,
  recipe: BinariesRecipe,
  temp: string,
  log: LabLog,
  label: () => string,
): Promise<void> {
  const stage = join(temp, '.stage', file.file);
  const inner = join(stage, file.dir);
  mkdirSync(inner, { recursive: true });
  for (const binary of file.binaries) await goBuild(binary, join(inner, binary.name), join(recipe.root, binary.module), log, label());
  const modCache = join(goCacheRoot(), 'mod');
  for (const doc of file.docs) {
    const from = join(modCache, doc.from);
    if (!existsSync(from))
      throw new EnvironmentError(`${doc.from} is not in the module cache`, {
        where: modCache,
        fix: 'run kthw lab binaries --rebuild (the module download was incomplete)',
      });
    copyFileSync(from, join(inner, doc.as));
    chmodSync(join(inner, doc.as), 0o644);
  }
  // As upstream's tarballs: one directory (or the binaries at the top), root-owned, fixed times.
  const members = file.dir === '.' ? readdirSync(stage).sort() : [file.dir];
  await run('tar', [
    '--sort=name',
    '--owner=0',
    '--group=0',
    '--numeric-owner',
    '--mtime=@0',
    '--use-compress-program=gzip -n',
    '-C',
    stage,
    '-cf',
    join(temp, file.file),
    '--',
    ...members,
  ]);
}

function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
