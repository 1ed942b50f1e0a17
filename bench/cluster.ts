// A whole cluster on the local lab, per track: from machines just booted (`kthw lab up`, the
// baseline) to a Ready cluster with the smoke test green (`kthw run` of chapters 01–12, the binaries
// and pod images already built), as a ratio of the boot; and the memory of a worker machine with
// kubelet, containerd, kube-proxy and the smoke test's nginx pod running, against the same machine
// idle just after its boot. Needs root. Run: npm run bench -- cluster   (BENCH_TRACKS=classic to
// measure one track; each track boots a lab of its own and takes it down again).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBinaries, ensureImage, ensurePodImages, labSshArgs } from '../lab/local/index.js';
import { readRecord } from '../lab/local/runtime-record.js';
import { loadLab } from '../src/lab/load.js';
import type { Lab } from '../src/lab/types.js';
import { labVariant } from '../test/support/lab-variant.js';
import { machineMiB } from './machine-memory.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const tracks = (process.env.BENCH_TRACKS ?? 'classic,ipv6-ha').split(',');
const variants: Record<string, { track: 'classic' | 'ipv6-ha'; name: string; swaps: Array<[string, string]> }> = {
  classic: {
    track: 'classic',
    name: 'bcl',
    swaps: [
      ['10.240.', '10.251.'],
      ['fd00:10:240:', 'fd00:10:251:'],
    ],
  },
  'ipv6-ha': { track: 'ipv6-ha', name: 'bcv6', swaps: [['fd00:4:', 'fd00:251:']] },
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
function kthw(labFile: string, ...args: string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, [join(root, 'bin/kthw.js'), '--lab', labFile, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (result.status !== 0) throw new Error(`kthw ${args.join(' ')} exited ${result.status}:\n${(result.stdout + result.stderr).slice(-2000)}`);
  return performance.now() - started;
}
function onMachine(lab: Lab, host: string, command: string): string {
  const [ssh, ...args] = labSshArgs(lab, host, command);
  return spawnSync(ssh!, ['-o', 'BatchMode=yes', ...args], { encoding: 'utf8' }).stdout;
}

// built once per machine and cached; not part of what is measured
const log = (m: string) => process.stderr.write(`  ${m}\n`);
await Promise.all([ensureImage({ log }), ensureBinaries({ log })]);
await ensurePodImages({ log });

for (const track of tracks) {
  const variant = variants[track];
  if (!variant) throw new Error(`BENCH_TRACKS: no track ${track} (classic, ipv6-ha)`);
  const scratch = mkdtempSync(join(tmpdir(), 'kthw-bench-cluster-'));
  process.env.KTHW_HOME = join(scratch, 'home');
  const labFile = labVariant(scratch, variant.track, variant.name, variant.swaps);
  const lab = await loadLab(labFile);
  try {
    const boot = kthw(labFile, 'lab', 'up');
    await new Promise((r) => setTimeout(r, 5000)); // boot-time jobs finish: idle means idle
    const cgroupOf = (host: string) => readRecord(lab.name)!.machines.find((m) => m.host === host)!.cgroup;
    const workers = lab.hosts.filter((h) => h.roles.includes('worker')).map((h) => h.name);
    const idle = Object.fromEntries(workers.map((w) => [w, machineMiB(cgroupOf(w))]));
    const perChapter: string[] = [];
    let total = 0;
    for (let n = 1; n <= 12; n++) {
      const ms = kthw(labFile, 'run', `chapter-${n}`);
      total += ms;
      perChapter.push(`${String(n).padStart(2, '0')} ${seconds(ms)}`);
    }
    console.log(
      `${track}: lab up (baseline) ${seconds(boot)}; chapters 01–12 to a Ready cluster with the smoke test green ${seconds(total)} → ${(total / boot).toFixed(2)}× the boot`,
    );
    console.log(`  per chapter: ${perChapter.join(', ')}`);
    await new Promise((r) => setTimeout(r, 10_000)); // the pods settle
    for (const w of workers) {
      const now = machineMiB(cgroupOf(w));
      const pods = onMachine(lab, w, 'crictl pods --state ready -q 2>/dev/null | wc -l').trim();
      console.log(
        `  memory of ${w} (PSS of every process in the machine): idle ${idle[w]!.toFixed(0)} MiB (baseline), as a node running ${pods} pod(s) ${now.toFixed(0)} MiB → ${(now / idle[w]!).toFixed(2)}×`,
      );
    }
  } finally {
    spawnSync(process.execPath, [join(root, 'bin/kthw.js'), '--lab', labFile, 'lab', 'down'], { stdio: 'ignore', env: process.env });
    rmSync(scratch, { recursive: true, force: true });
  }
}
