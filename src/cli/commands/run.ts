import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { EngineEvent } from '../../engine/events.js';
import { ExitCode, UsageError } from '../../util/errors.js';
import { quoted } from '../../util/quoted.js';
import { globalOptions } from '../global-options.js';
import { mark, paint, printJson } from '../output.js';
import { countResults, renderCheckResults } from '../render-checks.js';
import { openSession } from '../../app/session.js';

/**
 * `kthw run chapter-N`: applies a chapter's steps over SSH, streaming what happens, then runs its
 * checks. Stops at the first failing step; running again skips what already took effect.
 * Ctrl-C cancels the running step (the state file keeps every finished step); a second Ctrl-C quits.
 */
export default async function run(command: Command, which: string): Promise<number> {
  const options = globalOptions(command);
  const { from, step, mirror } = command.opts<{ from?: string; step?: string; mirror?: string }>();
  const session = await openSession(options, `kthw run ${which}`);
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\ncancelling the running step (Ctrl-C again to quit at once)…\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const events: EngineEvent[] = [];
  try {
    const module = session.chapter(which);
    // Every argument is checked before anything is recorded: a bad --step must not leave a new mirror behind.
    const mirrorPath = mirror === undefined ? undefined : await mirrorDir(mirror);
    const stepIds = module.plan(session.lab, mirrorPath === undefined ? {} : { mirror: mirrorPath }).steps.map((s) => s.id);
    for (const [flag, id] of [
      ['--step', step],
      ['--from', from],
    ] as const) {
      if (id !== undefined && !stepIds.includes(id))
        throw new UsageError(`${module.meta.id} has no step ${quoted(id)}`, { where: flag, fix: `use one of: ${stepIds.join(', ')}` });
    }
    if (mirrorPath !== undefined) await session.setParams(module.meta.id, { mirror: mirrorPath });
    if (!options.json) console.log(paint.bold(`${module.meta.id} · ${module.meta.title} · lab ${session.lab.name}`));
    const result = await session.run(module.meta.id, {
      fromStep: from,
      onlyStep: step,
      signal: controller.signal,
      emit: (event) => (options.json ? events.push(event) : printEvent(event, options.verbose)),
    });
    if (!result.ok) {
      if (options.json)
        printJson({
          chapter: module.meta.id,
          ok: false,
          changed: result.changed,
          steps: result.steps,
          failure: { message: result.failure?.message, where: result.failure?.where, fix: result.failure?.fix },
        });
      else console.log(`\n${mark.fail()} stopped at step ${result.failure?.step} on ${result.failure?.host}\n  fix: ${result.failure?.fix}`);
      return ExitCode.checksFailed;
    }
    const checks = await session.verify(module.meta.id);
    const counts = countResults(checks);
    if (options.json) {
      printJson({ chapter: module.meta.id, ok: counts.failed === 0, changed: result.changed, steps: result.steps, checks, ...counts });
    } else {
      console.log(`\n${result.changed} change(s) made. Checks:`);
      console.log(renderCheckResults(checks, options.verbose));
      console.log(`\n${counts.passed} checks passed, ${counts.failed} failed`);
    }
    return counts.failed > 0 ? ExitCode.checksFailed : ExitCode.ok;
  } finally {
    process.off('SIGINT', onSigint);
    await session.close();
  }
}

/** The mirror directory as an absolute path, refused early when it is not a readable directory. */
async function mirrorDir(dir: string): Promise<string> {
  const path = resolve(dir);
  const info = await stat(path).catch(() => undefined);
  if (!info?.isDirectory())
    throw new UsageError(`the mirror ${path} is not a directory`, {
      where: '--mirror',
      fix: 'give a directory holding the files of downloads.txt (their upstream file names)',
    });
  return path;
}

function printEvent(event: EngineEvent, verbose: boolean): void {
  switch (event.type) {
    case 'step-start':
      console.log(`\n▶ ${event.step} ${paint.dim(`(${event.host})`)} ${event.title}`);
      break;
    case 'action':
      if (event.changed || verbose) console.log(`  ${event.changed ? paint.yellow('changed') : paint.dim('ok     ')} ${event.description.split('\n')[0]}`);
      break;
    case 'output':
      for (const line of event.text.replace(/\n$/, '').split('\n'))
        (event.stream === 'stderr' ? process.stderr : process.stdout).write(paint.dim(`  │ ${line}\n`));
      break;
    case 'step-done':
      console.log(`  ${mark.ok()} ${event.changed === 0 ? 'nothing to change' : `${event.changed} change(s)`}`);
      break;
    case 'step-failed':
      console.log(`  ${mark.fail()} ${event.message}`);
      break;
  }
}
