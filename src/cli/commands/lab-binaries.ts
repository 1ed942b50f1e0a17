/**
 * `kthw lab binaries`: the release mirror built from source (lab/binaries/), from the cache or
 * built now, and whether it serves the lab file's downloads. `kthw lab up` does the same on its way.
 */
import type { Command } from 'commander';
import { ensureBinaries, missingFromMirror } from '../../../lab/local/index.js';
import { builtinLabPath, loadLab } from '../../lab/load.js';
import { ExitCode } from '../../util/errors.js';
import { globalOptions } from '../global-options.js';
import { mark, paint, printJson } from '../output.js';

export default async function binaries(command: Command): Promise<number> {
  const options = globalOptions(command);
  const { rebuild } = command.opts<{ rebuild?: boolean }>();
  const lab = await loadLab(options.lab ?? builtinLabPath('classic'));
  const log = (message: string) => (options.json ? process.stderr : process.stdout).write(`${paint.dim(message)}\n`);
  const result = await ensureBinaries({ log, rebuild });
  const missing = missingFromMirror(lab, result.dir);
  if (options.json) {
    printJson({ ...result, lab: lab.name, servesLab: missing.length === 0, missing });
  } else {
    console.log(
      `${mark.ok()} Kubernetes ${result.versions.kubernetes}, etcd ${result.versions.etcd}, crictl ${result.versions.crictl}${result.built ? ' built' : ' (cached)'} in ${result.dir}`,
    );
    if (missing.length === 0)
      console.log(`  serves every download of lab ${lab.name}: kthw run chapter-2 --mirror ${result.dir} (the local lab passes it by itself)`);
    else console.log(`  ${paint.yellow('lab ' + lab.name + ' downloads files this mirror lacks:')} ${missing.join(', ')}`);
  }
  return ExitCode.ok;
}
