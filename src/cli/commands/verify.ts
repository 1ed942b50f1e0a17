import type { Command } from 'commander';
import type { CheckResult } from '../../../checks/types.js';
import { ExitCode } from '../../util/errors.js';
import { globalOptions } from '../global-options.js';
import { paint, printJson } from '../output.js';
import { countResults, renderCheckResults } from '../render-checks.js';
import { openSession } from '../session.js';

/**
 * `kthw verify chapter-N | all [--until chapter-M]`: the chapters' checks alone. Exit 1 when any check fails.
 * JSON shape: { lab, passed, failed, chapters: [{ id, title, passed, failed, checks: CheckResult[] }] }.
 */
export default async function verify(command: Command, which: string): Promise<number> {
  const options = globalOptions(command);
  const session = await openSession(options, 'kthw verify');
  try {
    const { until } = command.opts<{ until?: string }>();
    const last = until === undefined ? Infinity : session.chapter(until).meta.number;
    const selected = which === 'all' ? session.chapters.filter((c) => c.meta.number <= last) : [session.chapter(which)];
    const report: Array<{ id: string; title: string; passed: number; failed: number; checks: CheckResult[] }> = [];
    for (const module of selected) {
      const checks = await session.verify(module.meta.id);
      report.push({ id: module.meta.id, title: module.meta.title, ...countResults(checks), checks });
      if (!options.json) {
        console.log(`${paint.bold(`${module.meta.id} · ${module.meta.title}`)}`);
        console.log(renderCheckResults(checks, options.verbose));
      }
    }
    const passed = report.reduce((n, c) => n + c.passed, 0);
    const failed = report.reduce((n, c) => n + c.failed, 0);
    if (options.json) printJson({ lab: session.lab.name, passed, failed, chapters: report });
    else console.log(`\n${passed} checks passed, ${failed} failed`);
    return failed > 0 ? ExitCode.checksFailed : ExitCode.ok;
  } finally {
    await session.close();
  }
}
