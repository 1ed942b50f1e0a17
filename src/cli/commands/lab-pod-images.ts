/**
 * `kthw lab pod-images`: the images pods run in the local lab, which has no registry (lab/pod-images/),
 * from the cache or built now: each reference, its digest and the image it stands in for.
 */
import type { Command } from 'commander';
import { ensurePodImages } from '../../../lab/local/index.js';
import { ExitCode } from '../../util/errors.js';
import { globalOptions } from '../global-options.js';
import { mark, paint, printJson } from '../output.js';

export default async function podImages(command: Command): Promise<number> {
  const options = globalOptions(command);
  const { rebuild } = command.opts<{ rebuild?: boolean }>();
  const log = (message: string) => (options.json ? process.stderr : process.stdout).write(`${paint.dim(message)}\n`);
  const result = await ensurePodImages({ log, rebuild });
  if (options.json) {
    printJson(result);
    return ExitCode.ok;
  }
  console.log(`${mark.ok()} ${result.images.length} pod images${result.built ? ' built' : ' (cached)'} in ${result.dir}`);
  for (const image of result.images) console.log(`  ${image.reference}@${image.digest}  ${paint.dim(`${image.archive}, stands in for ${image.standsInFor}`)}`);
  return ExitCode.ok;
}
