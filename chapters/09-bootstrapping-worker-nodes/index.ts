import { chapterFolder, type ChapterModule } from '../kit.js';
import { checks } from './checks.js';
import { steps } from './steps.js';
import { workerNodes } from './worker-nodes.js';

const folder = chapterFolder(import.meta.url);

export const chapter: ChapterModule = {
  meta: {
    ...folder,
    title: 'Bootstrapping the worker nodes',
    summary: 'containerd with a bridge pod network, the kubelet and kube-proxy on every worker, each node registered and Ready.',
    tracks: ['classic', 'ipv6-ha'],
  },
  plan(lab, params) {
    const nodes = workerNodes(lab, params);
    return { chapter: folder.id, steps: steps(nodes), checks: checks(nodes) };
  },
};
