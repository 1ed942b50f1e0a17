// Local lab figures: `lab up` of the ipv6-ha lab (8 machines, warm image) against a 1-machine lab
// booted in the same run, idle memory per machine (PSS), reset per machine, lab down.
// Needs root. Run: npm run bench -- lab   (or: cd bench && npx tsx lab.ts)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureImage, labDown, labReset, labSnapshot, labUp } from '../lab/local/index.js';
import { readRecord } from '../lab/local/runtime-record.js';
import { loadLab } from '../src/lab/load.js';
import { machineMiB } from './machine-memory.js';
import { median } from './measure.mjs';

const root = resolve(import.meta.dirname, '..');
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
process.env.KTHW_HOME = mkdtempSync(join(tmpdir(), 'kthw-bench-lab-'));

async function timed(action: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await action();
  return performance.now() - start;
}
const goal = (value: number, limit: number, unit: string) =>
  `${value.toFixed(unit === 'MiB' ? 1 : 2)} ${unit} (goal ≤ ${limit} ${unit}: ${value <= limit ? 'met' : 'NOT met'})`;

const ha = await loadLab(join(root, 'lab', 'ipv6-ha.yaml'));
const single = { ...(await loadLab(join(root, 'test', 'lab', 'fixtures', 'mini.yaml'))), name: 'bench-one' };
single.hosts = single.hosts.slice(0, 1);

try {
  const imageMs = await timed(() => ensureImage({ log: (m) => console.log(`  ${m}`) }));
  console.log(`image: ready in ${(imageMs / 1000).toFixed(2)} s`);

  const one: number[] = [];
  const eight: number[] = [];
  const down: number[] = [];
  for (let i = 0; i < rounds; i++) {
    one.push(await timed(() => labUp(single)));
    await labDown(single.name);
    eight.push(await timed(() => labUp(ha)));
    down.push(await timed(() => labDown(ha.name)));
  }
  const [m1, m8] = [median(one) / 1000, median(eight) / 1000];
  console.log(`lab up, 1 machine (baseline): ${m1.toFixed(2)} s`);
  console.log(`lab up, ipv6-ha (8 machines): ${goal(m8, 10, 's')} → ${(m8 / m1).toFixed(2)}× one machine`);
  console.log(`lab down, ipv6-ha: ${(median(down) / 1000).toFixed(2)} s`);

  await labUp(ha);
  await new Promise((r) => setTimeout(r, 5000)); // let boot-time jobs finish: idle means idle
  const record = readRecord(ha.name)!;
  const perMachine = record.machines.map((m) => machineMiB(m.cgroup));
  console.log(
    `memory per idle machine (PSS, all its processes incl. nspawn): median ${goal(median(perMachine), 60, 'MiB')}, max ${Math.max(...perMachine).toFixed(1)} MiB, lab total ${perMachine.reduce((a, b) => a + b, 0).toFixed(0)} MiB`,
  );

  await labSnapshot(ha, 'bench');
  const resets: number[] = [];
  for (let i = 0; i < Math.max(3, rounds); i++) resets.push(await timed(() => labReset(ha, 'node-0', { to: 'bench' })));
  console.log(`reset one machine to a snapshot (stop, restore, boot, SSH ready): ${goal(median(resets) / 1000, 2, 's')}`);
  const all = await timed(() => labReset(ha, 'all', { to: 'bench' }));
  console.log(`reset all 8 machines at once: ${(all / 1000).toFixed(2)} s (${(all / 8000).toFixed(2)} s per machine)`);
} finally {
  await labDown(ha.name);
  await labDown(single.name);
  rmSync(process.env.KTHW_HOME, { recursive: true, force: true });
}
