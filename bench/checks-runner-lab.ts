// The check runner over SSH on a lab machine, warm connection: 30 checks of one host batched in
// ONE exec against the same checks as one exec each, interleaved in the same run; plus 30 checks on
// each of two hosts at once. Boots its own 2-machine lab. Needs root.
// Run: npm run bench -- checks-runner-lab   (or: cd bench && npx tsx checks-runner-lab.ts)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { labDown, labUp } from '../lab/local/index.js';
import { sshPaths } from '../lab/local/ssh-material.js';
import { runChecks, type CheckExecutor } from '../src/checks-runner/index.js';
import { loadLab } from '../src/lab/load.js';
import type { CheckSpec } from '../src/plan/types.js';
import { SshPool, sshHostsFromLab } from '../src/ssh/index.js';
import { median } from './measure.mjs';

const root = resolve(import.meta.dirname, '..');
const home = mkdtempSync(join(tmpdir(), 'kthw-bench-checks-'));
process.env.KTHW_HOME = home;
const lab = { ...(await loadLab(join(root, 'test', 'lab', 'fixtures', 'mini.yaml'))), name: 'bench-checks' };
// mini.yaml's prefixes may be in use by a test run: this lab gets its own.
lab.networks = { ...lab.networks, nodes: { ipv4: '10.96.0.0/24', ipv6: 'fd00:96::/64' }, hostAddress: { ipv4: '10.96.0.1', ipv6: 'fd00:96::1' } };
lab.hosts = lab.hosts.map((h, i) => ({ ...h, addresses: { ipv4: `10.96.0.${10 + i}`, ipv6: `fd00:96::${10 + i}` } }));

async function timed(action: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await action();
  return performance.now() - start;
}

const checksFor = (host: string): CheckSpec[] => {
  const spec = (id: string, kind: string, params: Record<string, unknown>): CheckSpec => ({
    id: `${host}-${id}`,
    title: id,
    host,
    kind,
    params,
    why: '',
    fix: '',
  });
  return [
    ...Array.from({ length: 10 }, (_, i) => spec(`file-${i}`, 'file', { path: '/etc/os-release', contains: 'Debian' })),
    ...Array.from({ length: 10 }, (_, i) => spec(`unit-${i}`, 'unit', { unit: 'systemd-journald.service' })),
    ...Array.from({ length: 5 }, (_, i) => spec(`port-${i}`, 'port', { port: 22 })),
    ...Array.from({ length: 5 }, (_, i) => spec(`command-${i}`, 'command', { run: 'true' })),
  ];
};

let pool: SshPool | undefined;
try {
  await labDown(lab.name);
  await labUp(lab);
  const paths = sshPaths(lab.name);
  pool = new SshPool({ hosts: sshHostsFromLab(lab, { defaultIdentity: paths.key, knownHosts: [paths.knownHosts] }) });
  const ssh: CheckExecutor = { exec: (host, script, options) => pool!.exec(host, script, options) };
  const [a, b] = lab.hosts.map((h) => h.name) as [string, string];
  await runChecks(checksFor(a), ssh);
  await runChecks(checksFor(b), ssh);
  const batched: number[] = [];
  const unbatched: number[] = [];
  const twoHosts: number[] = [];
  for (let round = 0; round < 9; round++) {
    unbatched.push(
      await timed(async () => {
        for (const one of checksFor(a)) await runChecks([one], ssh);
      }),
    );
    batched.push(
      await timed(async () => {
        const results = await runChecks(checksFor(a), ssh);
        if (results.some((r) => !r.ok)) throw new Error(`a benchmark check failed: ${JSON.stringify(results.find((r) => !r.ok))}`);
      }),
    );
    twoHosts.push(await timed(() => runChecks([...checksFor(a), ...checksFor(b)], ssh)));
  }
  const [subject, baseline] = [median(batched), median(unbatched)];
  console.log(
    `checks-runner-lab: 30 checks over SSH batched ${subject.toFixed(1)} ms vs one exec per check ${baseline.toFixed(1)} ms → ${(subject / baseline).toFixed(2)}×; 2 hosts × 30 checks at once ${median(twoHosts).toFixed(1)} ms`,
  );
} finally {
  await pool?.close();
  await labDown(lab.name);
  rmSync(home, { recursive: true, force: true });
}
