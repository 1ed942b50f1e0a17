import { chapterFolder, type ChapterModule } from '../kit.js';
import { checks } from './checks.js';
import { smokeTest } from './smoke.js';
import { steps } from './steps.js';

const folder = chapterFolder(import.meta.url);

export const chapter: ChapterModule = {
  meta: {
    ...folder,
    title: 'Smoke test',
    summary: 'A Secret encrypted in etcd, an nginx deployment, port-forward, logs, exec and a NodePort answered by every node.',
    tracks: ['classic', 'ipv6-ha'],
  },
  plan(lab, params) {
    const smoke = smokeTest(lab, params);
    return { chapter: folder.id, steps: steps(smoke), checks: checks(smoke) };
  },
};
