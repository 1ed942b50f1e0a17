/**
 * A root file system directory as an OCI image archive (image-spec 1.1 layout in one tar, as
 * `ctr images import` and `skopeo copy oci-archive:` read it): one gzip layer, its config, a
 * manifest and an index naming the image. Every byte is fixed by the directory's content (sorted
 * entries, root owner, time 0, gzip without a name or time), so the same files give the same digest.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './run.js';

export interface OciImageConfig {
  entrypoint?: string[];
  cmd?: string[];
  env: string[];
  ports: string[];
  arch: string;
}

export interface OciArchive {
  /** The manifest's digest: what a pod refers to (`name@sha256:…`). */
  digest: string;
  size: number;
}

/** Part of the pod images' cache key: a change to how archives are written builds them again. */
export const OCI_ARCHIVE_FORMAT = 2;

const sha256 = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

const deterministicTar = ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '--format=gnu'];

/** Writes `archive` from `rootfs`, naming the image `reference` (registry/name:tag). */
export async function writeOciArchive(rootfs: string, reference: string, config: OciImageConfig, archive: string, scratch: string): Promise<OciArchive> {
  const layout = join(scratch, 'layout');
  const blobs = join(layout, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const layerTar = join(scratch, 'layer.tar');
  await run('tar', [...deterministicTar, '-C', rootfs, '-cf', layerTar, '.']);
  const diffId = sha256(readFileSync(layerTar));
  await run('gzip', ['-n', '-6', layerTar]);
  const layer = readFileSync(`${layerTar}.gz`);
  const layerDigest = sha256(layer);
  renameSync(`${layerTar}.gz`, join(blobs, layerDigest.slice(7)));

  const blob = (json: unknown) => {
    const text = JSON.stringify(json);
    const digest = sha256(text);
    writeFileSync(join(blobs, digest.slice(7)), text);
    return { digest, size: Buffer.byteLength(text) };
  };
  const imageConfig = blob({
    architecture: config.arch,
    os: 'linux',
    config: {
      Env: config.env,
      ...(config.entrypoint ? { Entrypoint: config.entrypoint } : {}),
      ...(config.cmd ? { Cmd: config.cmd } : {}),
      ...(config.ports.length ? { ExposedPorts: Object.fromEntries(config.ports.map((p) => [p, {}])) } : {}),
    },
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [{ created_by: 'kthw lab pod-images (lab/pod-images/images.json)' }],
  });
  const manifest = blob({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...imageConfig },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layer.length }],
  });
  writeFileSync(
    join(layout, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          ...manifest,
          platform: { architecture: config.arch, os: 'linux' },
          // containerd names the imported image by the first annotation; the second is the spec's own (a tag)
          annotations: { 'io.containerd.image.name': reference, 'org.opencontainers.image.ref.name': reference.split(':').pop()! },
        },
        {
          // the same manifest once more, named by its digest: the record a pull by digest would leave,
          // without which kubelet does not find `name@sha256:…` among the imported images
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          ...manifest,
          platform: { architecture: config.arch, os: 'linux' },
          annotations: { 'io.containerd.image.name': `${reference.slice(0, reference.lastIndexOf(':'))}@${manifest.digest}` },
        },
      ],
    }),
  );
  writeFileSync(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await run('tar', [...deterministicTar, '-C', layout, '-cf', archive, 'oci-layout', 'index.json', 'blobs']);
  rmSync(layout, { recursive: true, force: true });
  return manifest;
}
