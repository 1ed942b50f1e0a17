import type { Command } from 'commander';
import type { CheckResult } from '../../../checks/types.js';
import { EnvironmentError, ExitCode } from '../../util/errors.js';
import { globalOptions } from '../global-options.js';
import { paint, printJson } from '../output.js';
import { countResults, renderCheckResults } from '../render-checks.js';
import { openSession } from '../../app/session.js';
import { chaptersThrough } from '../../plan/chapter.js';

/**
 * `kthw verify chapter-N | all [--until chapter-M]`: the chapters' checks alone. Exit 1 when any check fails.
 * JSON shape: { lab, passed, failed, chapters: [{ id, title, passed, failed, checks: CheckResult[] }] }.
 */
export default async function verify(command: Command, which: string): Promise<number> {
  const options = globalOptions(command);
  const session = await openSession(options, 'kthw verify', { readOnly: true });
  try {
    const { until } = command.opts<{ until?: string }>();
    const last = until === undefined ? Infinity : session.chapter(until).meta.number;
    const selected = which === 'all' ? chaptersThrough(session.chapters, last) : [session.chapter(which)];
    const report: Array<{ id: string; title: string; passed: number; failed: number; checks: CheckResult[] }> = [];
    for (const module of selected) {
      const checks = await session.verify(module.meta.id);
      unlessReachable(session.lab.name, checks);
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

/**
 * No host answered: the checks say nothing about the lab, so there is no list of failures to show,
 * only the connection's problem and its fix (exit 3, as for any unreachable lab).
 */
function unlessReachable(lab: string, checks: CheckResult[]): void {
  const remote = checks.filter((c) => c.host !== 'local');
  if (remote.length === 0 || !remote.every((c) => c.unreachable)) return;
  const hosts = [...new Set(remote.map((c) => c.host))];
  const first = remote[0]!.diagnosis!;
  throw new EnvironmentError(`no host of lab ${lab} could be reached (${hosts.join(', ')}); nothing was checked. ${first.found}`, {
    where: hosts.join(', '),
    fix: first.fix,
  });
}
