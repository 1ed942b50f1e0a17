/**
 * The chapter registry: the only list of chapters, in teaching order. Adding a chapter means a
 * folder `chapters/NN-slug/` and one line here; no engine file changes.
 */
import type { ChapterModule } from '../src/plan/chapter.js';
import { UsageError } from '../src/util/errors.js';
import { chapter as prerequisites } from './01-prerequisites/index.js';
import { chapter as jumpbox } from './02-jumpbox/index.js';
import { chapter as computeResources } from './03-compute-resources/index.js';
import { chapter as certificateAuthority } from './04-certificate-authority/index.js';
import { chapter as kubeconfigs } from './05-kubeconfigs/index.js';
import { chapter as dataEncryption } from './06-data-encryption/index.js';
import { chapter as etcd } from './07-etcd/index.js';
import { chapter as controlPlane } from './08-bootstrapping-control-plane/index.js';
import { chapter as workerNodes } from './09-bootstrapping-worker-nodes/index.js';
import { chapter as remoteKubectl } from './10-configuring-kubectl/index.js';
import { chapter as podRoutes } from './11-pod-network-routes/index.js';
import { chapter as smokeTest } from './12-smoke-test/index.js';
import { chapter as cleanup } from './13-cleanup/index.js';

export const chapters: readonly ChapterModule[] = [
  prerequisites,
  jumpbox,
  computeResources,
  certificateAuthority,
  kubeconfigs,
  dataEncryption,
  etcd,
  controlPlane,
  workerNodes,
  remoteKubectl,
  podRoutes,
  smokeTest,
  cleanup,
];

/** A chapter by id (`chapter-4`), number (`4`) or slug (`04-certificate-authority`). */
export function findChapter(key: string, among: readonly ChapterModule[] = chapters): ChapterModule {
  const found = among.find((c) => c.meta.id === key || String(c.meta.number) === key || c.meta.slug === key);
  if (!found) {
    throw new UsageError(`no chapter "${key}"`, {
      fix: `use one of: ${among.map((c) => c.meta.id).join(', ')}`,
    });
  }
  return found;
}
