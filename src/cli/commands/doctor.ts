import type { Command } from 'commander';
import { ExitCode } from '../../util/errors.js';
import { globalOptions } from '../global-options.js';
import { mark, paint, printJson, table } from '../output.js';
import { doctorChecks } from './doctor-checks.js';

/** `kthw doctor`: one line per prerequisite, ok or missing with how to fix it. Exit 3 when any is missing. */
export default function doctor(command: Command): Promise<number> {
  const { json } = globalOptions(command);
  const results = doctorChecks();
  const ok = results.every((r) => r.ok);
  if (json) {
    printJson({ ok, checks: results });
  } else {
    const rows = results.map((r) => [r.ok ? mark.ok() : mark.fail(), r.name, paint.dim(r.needed.join(', ')), r.ok ? r.found : paint.red(r.found)]);
    console.log(table(rows));
    for (const r of results.filter((r) => !r.ok)) console.log(`\n${mark.fail()} ${r.name}: ${r.fix}`);
    console.log(ok ? '\nThis machine is ready.' : '\nSome prerequisites are missing (see above).');
  }
  return Promise.resolve(ok ? ExitCode.ok : ExitCode.environment);
}
