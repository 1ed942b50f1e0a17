import { chapterFolder, type ChapterModule } from '../kit.js';
import { checks } from './checks.js';
import { cleanup } from './leftovers.js';
import { steps } from './steps.js';

const folder = chapterFolder(import.meta.url);

export const chapter: ChapterModule = {
  meta: {
    ...folder,
    title: 'Cleaning up',
    summary: 'Every unit, file, process, route and mount chapters 07–12 put on the machines removed, and checked gone.',
    tracks: ['classic', 'ipv6-ha'],
    teardown: true,
  },
  plan(lab) {
    const c = cleanup(lab);
    return { chapter: folder.id, steps: steps(c), checks: checks(c) };
  },
};
