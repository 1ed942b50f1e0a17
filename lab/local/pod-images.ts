/**
 * The pod images of the local lab, which has no registry to pull from: the pause image (our own
 * static Go program), nginx and busybox (Debian's packages, unpacked with mmdebstrap's extract
 * variant, no maintainer scripts run), each as an OCI archive a node's containerd imports. Built once
 * per machine into /var/cache/kthw/pod-images/<recipe hash>/ with an `images.json` naming every
 * archive's reference and digest; built aside and renamed into place, under a lock.
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { cacheLock, removeStaleBuilds } from './cache-lock.js';
import { goEnv, goFacts } from './go-build.js';
import { DEBIAN_MIRROR } from './image.js';
import { silent, type LabLog } from './log.js';
import { writeOciArchive } from './oci-archive.js';
import { readPodImagesRecipe, type PodImageSpec, type PodImagesRecipe } from './pod-images-recipe.js';
import { run } from './run.js';

export interface PodImage {
  /** registry/name:tag, as containerd names the imported image. */
  reference: string;
  /** The manifest digest: pods refer to `name@digest`, which no other content can match. */
  digest: string;
  /** The archive's file name in the pod images directory. */
  archive: string;
  standsInFor: string;
}

export interface PodImages {
  dir: string;
  hash: string;
  images: PodImage[];
  built: boolean;
}

export interface PodImagesOptions {
  log?: LabLog;
  rebuild?: boolean;
  /** Default /var/cache/kthw/pod-images, or KTHW_POD_IMAGES_CACHE. */
  cacheRoot?: string;
  mirror?: string;
}

const INDEX = 'images.json';
const indexSchema = z.array(z.object({ reference: z.string(), digest: z.string(), archive: z.string(), standsInFor: z.string() }));

export function podImagesCacheRoot(): string {
  return process.env.KTHW_POD_IMAGES_CACHE ?? '/var/cache/kthw/pod-images';
}

/** The pod images of the current recipe: from the cache, or built now (a minute the first time). */
export async function ensurePodImages(options: PodImagesOptions = {}): Promise<PodImages> {
  const log = options.log ?? silent;
  const root = options.cacheRoot ?? podImagesCacheRoot();
  const go = await goFacts();
  const recipe = readPodImagesRecipe(go.version, go.arch);
  const dir = join(root, recipe.hash);
  const cached = () => ({ dir, hash: recipe.hash, images: indexSchema.parse(JSON.parse(readFileSync(join(dir, INDEX), 'utf8'))), built: false });
  if (!options.rebuild && existsSync(join(dir, INDEX))) return cached();
  mkdirSync(root, { recursive: true, mode: 0o755 });
  const release = await cacheLock(join(root, `.lock-${recipe.hash}`), log, 'pod images');
  try {
    if (!options.rebuild && existsSync(join(dir, INDEX))) return cached();
    removeStaleBuilds(root);
    const temp = join(root, `.build-${recipe.hash}-${process.pid}`);
    rmSync(temp, { recursive: true, force: true });
    mkdirSync(temp, { recursive: true });
    try {
      const started = Date.now();
      const images: PodImage[] = [];
      for (const spec of recipe.images) {
        log(`pod images: building ${spec.name}:${spec.tag} (stands in for ${spec['stands-in-for']})`);
        images.push(await buildImage(spec, recipe, go.arch, temp, options.mirror ?? DEBIAN_MIRROR));
      }
      writeFileSync(join(temp, INDEX), `${JSON.stringify(images, null, 2)}\n`);
      rmSync(dir, { recursive: true, force: true });
      renameSync(temp, dir);
      log(`pod images: built in ${Math.round((Date.now() - started) / 1000)} s into ${dir}`);
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
    return { ...cached(), built: true };
  } finally {
    release();
  }
}

async function buildImage(spec: PodImageSpec, recipe: PodImagesRecipe, arch: string, temp: string, mirror: string): Promise<PodImage> {
  const short = spec.name.split('/').pop()!;
  const scratch = join(temp, `.${short}`);
  const rootfs = join(scratch, 'rootfs');
  mkdirSync(rootfs, { recursive: true });
  if (spec.go !== undefined) {
    await run('nice', ['-n', '5', 'go', 'build', '-trimpath', '-ldflags=-s -w', '-o', join(rootfs, spec.go), '.'], {
      env: goEnv(),
      cwd: join(recipe.root, spec.go),
    });
  } else {
    await unpackDebian(spec.debian!, recipe.suite, mirror, scratch, rootfs);
  }
  for (const dir of spec.dirs) mkdirSync(join(rootfs, dir), { recursive: true });
  for (const [path, content] of Object.entries(spec.files)) {
    mkdirSync(dirname(join(rootfs, path)), { recursive: true });
    writeFileSync(join(rootfs, path), content);
  }
  for (const [path, target] of Object.entries(spec.symlinks)) {
    mkdirSync(dirname(join(rootfs, path)), { recursive: true });
    rmSync(join(rootfs, path), { force: true });
    symlinkSync(target, join(rootfs, path));
  }
  if (spec['busybox-applets']) await linkBusyboxApplets(rootfs);
  const reference = `${spec.name}:${spec.tag}`;
  const archive = `${short}.oci.tar`;
  const { digest } = await writeOciArchive(
    rootfs,
    reference,
    { entrypoint: spec.entrypoint, cmd: spec.cmd, env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], ports: spec.ports, arch },
    join(temp, archive),
    scratch,
  );
  rmSync(scratch, { recursive: true, force: true });
  return { reference, digest, archive, standsInFor: spec['stands-in-for'] };
}

/** The packages and their dependencies, unpacked; what dpkg's scripts would add, added by hand. */
async function unpackDebian(packages: string[], suite: string, mirror: string, scratch: string, rootfs: string): Promise<void> {
  const tarball = join(scratch, 'packages.tar');
  await run('nice', [
    '-n',
    '5',
    'mmdebstrap',
    '--quiet',
    '--variant=extract',
    '--mode=root',
    '--components=main',
    '--aptopt=APT::Install-Recommends "false"',
    `--include=${packages.join(',')}`,
    suite,
    tarball,
    mirror,
  ]);
  await run('tar', ['-C', rootfs, '-xf', tarball]);
  rmSync(tarball);
  // apt's and dpkg's own state, documentation and translations serve no container
  for (const path of ['var/lib/apt', 'var/cache/apt', 'var/lib/dpkg', 'etc/apt', 'usr/share/doc', 'usr/share/man', 'usr/share/info', 'usr/share/locale'])
    rmSync(join(rootfs, path), { recursive: true, force: true });
  // the merged-/usr links base-files makes in a normal install (the dynamic loader is /lib64/…)
  for (const [link, target] of [
    ['bin', 'usr/bin'],
    ['sbin', 'usr/sbin'],
    ['lib', 'usr/lib'],
    ['lib64', 'usr/lib64'],
  ] as const) {
    if (existsSync(join(rootfs, target)) && !isPresent(join(rootfs, link))) symlinkSync(target, join(rootfs, link));
  }
  mkdirSync(join(rootfs, 'tmp'), { recursive: true });
  chmodSync(join(rootfs, 'tmp'), 0o1777);
}

function isPresent(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** `sh`, `ls`, `wget`, …: a link to the one static busybox for each applet it has. */
async function linkBusyboxApplets(rootfs: string): Promise<void> {
  const busybox = join(rootfs, 'usr', 'bin', 'busybox');
  const { stdout } = await run(busybox, ['--list']);
  const bin = join(rootfs, 'usr', 'bin');
  const present = new Set(readdirSync(bin));
  for (const applet of stdout.split('\n').filter((name) => /^[a-z0-9_.[-]+$/.test(name))) {
    if (!present.has(applet) && applet !== 'busybox') symlinkSync('busybox', join(bin, applet));
  }
}
