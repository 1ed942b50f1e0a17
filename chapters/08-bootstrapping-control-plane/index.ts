import type { ChapterModule } from '../kit.js';
import { checks } from './checks.js';
import { controlPlane } from './control-plane.js';
import { slug, steps } from './steps.js';

export const chapter: ChapterModule = {
  meta: {
    id: 'chapter-8',
    number: 8,
    slug,
    title: 'Bootstrapping the control plane',
    summary: 'The API server, controller manager and scheduler on every controller, talking to etcd, encrypting Secrets, with RBAC for the kubelets.',
    tracks: ['classic', 'ipv6-ha'],
  },
  plan(lab) {
    const cp = controlPlane(lab);
    return { chapter: 'chapter-8', steps: steps(cp), checks: checks(cp) };
  },
};
