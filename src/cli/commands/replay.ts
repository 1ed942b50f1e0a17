import type { Command } from 'commander';
import { replay } from '../../app/replay.js';
import type { EngineEvent } from '../../engine/events.js';
import { ExitCode } from '../../util/errors.js';
import { globalOptions } from '../global-options.js';
import { mark, paint, printJson } from '../output.js';
import { openSession } from '../../app/session.js';

/**
 * `kthw replay [--to OTHER-LAB] [--from chapter-N] [--until chapter-M] [--new-pki]`: re-runs the
 * chapters this lab's state records as done, without questions, printing each step's change count.
 *
 * `--json` prints one object:
 *   { ok, changed, resumed, source, target, copiedSecrets: string[],
 *     chapters: [{ chapter, skipped, changed, steps: [{ step, status, changed, at, message? }] }],
 *     failure?: { message, where, fix } }
 * `changed` is the number of actions that changed a machine (0 when everything was in place);
 * `skipped` marks chapters an earlier, interrupted call of the same replay had finished.
 */
export default async function replayCommand(command: Command): Promise<number> {
  const options = globalOptions(command);
  const { to, from, until, newPki } = command.opts<{ to?: string; from?: string; until?: string; newPki?: boolean }>();
  const source = await openSession(options, 'kthw replay');
  const target =
    to === undefined
      ? source
      : await openSession({ lab: to }, 'kthw replay').catch(async (error) => {
          await source.close();
          throw error;
        });
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\ncancelling the running step (kthw replay again resumes here)…\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    if (!options.json) console.log(paint.bold(`replay of lab ${source.lab.name}${target !== source ? ` onto lab ${target.lab.name}` : ''}`));
    const result = await replay(source, target, {
      from,
      until,
      newPki: Boolean(newPki),
      signal: controller.signal,
      emit: options.json ? undefined : printEvent,
      onChapter: options.json
        ? undefined
        : (module, resumeFrom) =>
            console.log(`\n${paint.bold(`${module.meta.id} · ${module.meta.title}`)}${resumeFrom ? paint.dim(` (resuming at ${resumeFrom})`) : ''}`),
    });
    if (options.json) {
      const { failure, ...rest } = result;
      printJson({
        ...rest,
        source: source.labFile,
        target: target.labFile,
        ...(failure ? { failure: { message: failure.message, where: failure.where, fix: failure.fix } } : {}),
      });
      return result.ok ? ExitCode.ok : ExitCode.checksFailed;
    }
    if (result.copiedSecrets.length > 0) console.log(paint.dim(`copied into lab ${target.lab.name}: ${result.copiedSecrets.join(', ')}`));
    const skipped = result.chapters.filter((c) => c.skipped).map((c) => c.chapter);
    if (skipped.length > 0) console.log(paint.dim(`already replayed before the interruption: ${skipped.join(', ')}`));
    if (!result.ok) {
      console.log(
        `\n${mark.fail()} replay stopped at step ${result.failure?.step} on ${result.failure?.host}\n  ${result.failure?.message}\n  fix: ${result.failure?.fix}\n  then run kthw replay again: it resumes at that step`,
      );
      return ExitCode.checksFailed;
    }
    const replayed = result.chapters.filter((c) => !c.skipped).length;
    console.log(
      `\n${mark.ok()} ${replayed} chapter(s) replayed: ${result.changed === 0 ? 'everything was already in place, 0 changed' : `${result.changed} change(s) made`}. Run \`kthw verify all\` to check.`,
    );
    return ExitCode.ok;
  } finally {
    process.off('SIGINT', onSigint);
    await source.close();
    if (target !== source) await target.close();
  }
}

function printEvent(event: EngineEvent): void {
  if (event.type === 'step-done') console.log(`  ${mark.ok()} ${event.step} ${paint.dim(`changed ${event.changed}`)}`);
  if (event.type === 'step-failed') console.log(`  ${mark.fail()} ${event.step} on ${event.host}`);
}
