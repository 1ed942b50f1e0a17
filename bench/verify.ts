// `verify chapter-4` on a running lab: the whole CLI process (cold: new process, new SSH connections)
// and in-process with the session's connections warm, against one OpenSSH `ssh host true` per host
// (ControlMaster off) in the same run as the baseline. Usage: KTHW_HOME=… tsx bench/verify.ts [LAB.yaml [chapter-N]]
// (a lab that is up with chapters 1-4 done; without one it boots a lab of its own, bench/own-lab.ts).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { labSshArgs } from '../lab/local/index.js';
import { openSession } from '../src/app/session.js';
import { median } from './measure.mjs';
import { benchLab } from './own-lab.js';

const chapter = process.argv[3] ?? 'chapter-4';
const kthw = fileURLToPath(new URL('../bin/kthw.js', import.meta.url));
const rounds = 7;
const time = (fn: () => unknown) => {
  const t = performance.now();
  fn();
  return performance.now() - t;
};
const timeAsync = async (fn: () => Promise<unknown>) => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};

await benchLab(process.argv[2], 4, async (labFile) => {
  const session = await openSession({ lab: labFile });
  const plan = await session.plan(chapter);
  const hosts = [...new Set(plan.checks.map((c) => c.host))];
  const cold: number[] = [];
  const warm: number[] = [];
  const openssh: number[] = [];
  await session.verify(chapter); // connections up
  for (let i = 0; i < rounds; i++) {
    cold.push(time(() => spawnSync(process.execPath, [kthw, '--lab', labFile, 'verify', chapter], { stdio: 'ignore' })));
    warm.push(await timeAsync(() => session.verify(chapter)));
    openssh.push(
      time(() =>
        hosts.forEach((h) => {
          const [ssh, ...args] = labSshArgs(session.lab, h, 'true');
          spawnSync(ssh!, ['-o', 'ControlMaster=no', ...args], { stdio: 'ignore' });
        }),
      ),
    );
  }
  await session.close();
  const checks = plan.checks.length;
  console.log(
    `verify ${chapter} (${checks} checks on ${hosts.length} hosts): warm in-process ${median(warm).toFixed(0)} ms · whole CLI process ${median(cold).toFixed(0)} ms`,
  );
  console.log(
    `baseline: OpenSSH \`ssh host true\` once per host, one after another: ${median(openssh).toFixed(0)} ms → warm verify is ${(median(warm) / median(openssh)).toFixed(2)}× that`,
  );
});
