import type { Command } from 'commander';
import { globalOptions } from '../global-options.js';
import { paint, printJson, table } from '../output.js';
import { openSession } from '../../app/session.js';
import { statusLabel } from './chapters.js';

/**
 * `kthw status`: the lab, its hosts, progress per chapter and the last check results.
 * JSON shape: { lab: {name, track, file, stateFile}, hosts: [{name, roles, addresses}],
 *   chapters: [{id, title, status, stepsDone, stepsTotal, nextStep, lastChecks: {at, passed, failed} | null}] }.
 */
export default async function status(command: Command): Promise<number> {
  const options = globalOptions(command);
  const session = await openSession(options, 'kthw status', { readOnly: true });
  try {
    const { lab } = session;
    const progress = await session.progress();
    if (options.json) {
      printJson({
        lab: { name: lab.name, track: lab.track, file: session.labFile, stateFile: session.store.file },
        hosts: lab.hosts.map((h) => ({ name: h.name, roles: h.roles, addresses: h.addresses })),
        chapters: progress.map((p) => ({
          id: p.meta.id,
          title: p.meta.title,
          status: p.status,
          stepsDone: p.stepsDone,
          stepsTotal: p.stepsTotal,
          nextStep: p.nextStep ?? null,
          lastChecks: p.lastChecks ?? null,
        })),
      });
      return 0;
    }
    console.log(`${paint.bold(`lab ${lab.name}`)} (track ${lab.track}) from ${session.labFile}`);
    console.log(`state: ${session.store.file}\n`);
    console.log(table(lab.hosts.map((h) => ['  ' + h.name, h.roles.join(','), [h.addresses.ipv4, h.addresses.ipv6].filter(Boolean).join(' ')])));
    console.log('');
    console.log(
      table(
        progress.map((p) => [
          p.meta.id,
          p.meta.title,
          statusLabel[p.status](),
          p.lastChecks ? `checks ${p.lastChecks.passed}/${p.lastChecks.passed + p.lastChecks.failed} at ${p.lastChecks.at}` : paint.dim('not checked'),
        ]),
      ),
    );
    const next = progress.find((p) => p.status !== 'done');
    if (next) console.log(`\nnext: kthw run ${next.meta.id}${next.nextStep && next.stepsDone > 0 ? ` --from ${next.nextStep}` : ''}`);
    return 0;
  } finally {
    await session.close();
  }
}
