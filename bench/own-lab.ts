// For a benchmark run without a lab file: a classic lab of its own (name `bench`, 10.250.0.0/24,
// fd00:10:250::/64, so it meets neither a test run's labs nor the learner's), in a scratch KTHW_HOME,
// booted with the given chapters done; taken down and removed when the benchmark is over.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labVariant } from '../test/support/lab-variant.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function kthw(labFile: string, ...args: string[]): void {
  const result = spawnSync(process.execPath, [join(root, 'bin/kthw.js'), '--lab', labFile, ...args], { encoding: 'utf8', env: process.env });
  if (result.status !== 0) throw new Error(`kthw ${args.join(' ')} exited ${result.status}:\n${(result.stdout + result.stderr).slice(-2000)}`);
}

/** The lab file given on the command line, or else a lab of the benchmark's own, up with chapters 1..`last` done. */
export async function benchLab(given: string | undefined, last: number, bench: (labFile: string) => Promise<void>): Promise<void> {
  if (given) return bench(given);
  const scratch = mkdtempSync(join(tmpdir(), 'kthw-bench-lab-'));
  process.env.KTHW_HOME = join(scratch, 'home');
  const labFile = labVariant(scratch, 'classic', 'bench', [
    ['10.240.', '10.250.'],
    ['fd00:10:240:', 'fd00:10:250:'],
  ]);
  try {
    process.stderr.write(`no lab file given: booting lab bench with chapters 1-${last} done…\n`);
    kthw(labFile, 'lab', 'up');
    for (let n = 1; n <= last; n++) kthw(labFile, 'run', `chapter-${n}`);
    await bench(labFile);
  } finally {
    spawnSync(process.execPath, [join(root, 'bin/kthw.js'), '--lab', labFile, 'lab', 'down'], { stdio: 'ignore', env: process.env });
    rmSync(scratch, { recursive: true, force: true });
  }
}
