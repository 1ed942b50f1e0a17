import type { Command } from 'commander';
import type { ChapterProgress } from '../../engine/session.js';
import { globalOptions } from '../global-options.js';
import { mark, paint, printJson, table } from '../output.js';
import { openSession } from '../../app/session.js';

export const statusLabel: Record<ChapterProgress['status'], () => string> = {
  'not-started': () => paint.dim('not started'),
  'in-progress': () => paint.yellow('in progress'),
  done: () => `${mark.ok()} done`,
  failed: () => `${mark.fail()} step failed`,
  'checks-failed': () => `${mark.fail()} checks failed`,
};

/** `kthw chapters`: id, title and progress of every chapter of this lab's track. */
export default async function chapters(command: Command): Promise<number> {
  const options = globalOptions(command);
  const session = await openSession(options, 'kthw chapters', { readOnly: true });
  try {
    const progress = await session.progress();
    if (options.json) {
      printJson({
        lab: session.lab.name,
        chapters: progress.map((p) => ({
          id: p.meta.id,
          number: p.meta.number,
          slug: p.meta.slug,
          title: p.meta.title,
          status: p.status,
          stepsDone: p.stepsDone,
          stepsTotal: p.stepsTotal,
          nextStep: p.nextStep ?? null,
        })),
      });
    } else {
      console.log(table(progress.map((p) => [p.meta.id, p.meta.title, `${p.stepsDone}/${p.stepsTotal} steps`, statusLabel[p.status]()])));
    }
    return 0;
  } finally {
    await session.close();
  }
}
