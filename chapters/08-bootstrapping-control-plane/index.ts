import { chapterFolder, type ChapterModule } from '../kit.js';
import { checks } from './checks.js';
import { controlPlane } from './control-plane.js';
import { steps } from './steps.js';

const folder = chapterFolder(import.meta.url);

export const chapter: ChapterModule = {
  meta: {
    ...folder,
    title: 'Bootstrapping the control plane',
    summary: 'The API server, controller manager and scheduler on every controller, talking to etcd, encrypting Secrets, with RBAC for the kubelets.',
    tracks: ['classic', 'ipv6-ha'],
  },
  plan(lab) {
    const cp = controlPlane(lab);
    return { chapter: folder.id, steps: steps(cp), checks: checks(cp) };
  },
};
