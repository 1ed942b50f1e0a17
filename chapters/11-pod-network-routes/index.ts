import { chapterFolder, type ChapterModule } from '../kit.js';
import { checks } from './checks.js';
import { podRoutes } from './routes.js';
import { steps } from './steps.js';

const folder = chapterFolder(import.meta.url);

export const chapter: ChapterModule = {
  meta: {
    ...folder,
    title: 'Provisioning pod network routes',
    summary: 'Every controller and worker learns which worker holds each pod range, so pods on different nodes reach each other directly.',
    tracks: ['classic', 'ipv6-ha'],
  },
  plan(lab) {
    const hosts = podRoutes(lab);
    return { chapter: folder.id, steps: steps(hosts), checks: checks(hosts) };
  },
};
