/**
 * The recipe of the pod images (lab/pod-images/images.json): what each image holds and runs. Read
 * strictly: its paths become paths in an image and its names references kubelet resolves.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { EnvironmentError } from '../../src/util/errors.js';
import { OCI_ARCHIVE_FORMAT } from './oci-archive.js';
import { projectRoot } from './paths.js';

/** A path inside the image: relative, no `..`, no empty part. */
const imagePath = z.string().regex(/^(?!\/)(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._+@-]+(\/[A-Za-z0-9._+@-]+)*$/, 'a relative path inside the image');
const argv = z.array(z.string().min(1)).min(1);

const imageSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9]+(\.[a-z0-9]+)*\/[a-z0-9]+([._-][a-z0-9]+)*$/, 'registry/name in lower case'),
    tag: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/),
    'stands-in-for': z.string(),
    go: z
      .string()
      .regex(/^[a-z0-9-]+$/)
      .optional(),
    debian: z
      .array(z.string().regex(/^[a-z0-9][a-z0-9+.-]*$/))
      .min(1)
      .optional(),
    files: z.record(imagePath, z.string()).default({}),
    symlinks: z.record(imagePath, z.string().min(1)).default({}),
    dirs: z.array(imagePath).default([]),
    'busybox-applets': z.boolean().default(false),
    entrypoint: argv.optional(),
    cmd: argv.optional(),
    ports: z.array(z.string().regex(/^\d{1,5}\/(tcp|udp)$/)).default([]),
  })
  .strict()
  .refine((image) => (image.go === undefined) !== (image.debian === undefined), 'an image is built from exactly one of go or debian')
  .refine((image) => image.entrypoint !== undefined || image.cmd !== undefined, 'an image needs an entrypoint or a cmd');

const recipeSchema = z.object({ suite: z.string().regex(/^[a-z]+$/), images: z.array(imageSchema).min(1) }).strict();

export type PodImageSpec = z.infer<typeof imageSchema>;

export interface PodImagesRecipe {
  root: string;
  suite: string;
  images: PodImageSpec[];
  /** Of the recipe file, the Go sources it builds, the Go version and the architecture. */
  hash: string;
}

export function podImagesRoot(): string {
  return join(projectRoot(), 'lab', 'pod-images');
}

export function readPodImagesRecipe(goVersion: string, arch: string, root = podImagesRoot()): PodImagesRecipe {
  const file = join(root, 'images.json');
  const text = readFileSync(file, 'utf8');
  const parsed = recipeSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new EnvironmentError(`bad pod image recipe: ${issue.path.join('.')}: ${issue.message}`, { where: file });
  }
  const hash = createHash('sha256').update(JSON.stringify({ text, goVersion, arch, format: OCI_ARCHIVE_FORMAT }));
  for (const image of parsed.data.images) {
    if (image.go === undefined) continue;
    const dir = join(root, image.go);
    for (const name of readdirSync(dir).sort()) hash.update(`${name}\0${readFileSync(join(dir, name), 'utf8')}\0`);
  }
  return { root, suite: parsed.data.suite, images: parsed.data.images, hash: hash.digest('hex').slice(0, 16) };
}
