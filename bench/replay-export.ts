// `kthw replay` of chapters 01–N (default 7) vs `ansible-playbook site.yml` of the lab's own export, each onto
// machines just reset to the bare image; then `kthw verify` of those chapters vs the exported
// verify.yml. Same lab, same run. Usage: KTHW_HOME=… tsx bench/replay-export.ts [LAB.yaml [N]]
// (a local lab that is up with chapters 1-N done; its machines are reset several times). Without a
// lab file it boots a lab of its own (bench/own-lab.ts).
// What makes the difference: kthw keeps one SSH connection per host for the whole replay and runs
// each step's guard and action over it, and batches all checks of a host into one script; Ansible
// runs one module (a Python upload and run) per task per host, including tasks skipped by `when`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './measure.mjs';
import { benchLab } from './own-lab.js';

const last = Number(process.argv[3] ?? 7);
const kthwBin = fileURLToPath(new URL('../bin/kthw.js', import.meta.url));
const chapters = Array.from({ length: last }, (_, i) => `chapter-${i + 1}`);
const rounds = 3;

function run(argv: string[], cwd?: string): number {
  const started = performance.now();
  const result = spawnSync(argv[0]!, argv.slice(1), { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ANSIBLE_NOCOLOR: '1' } });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`${argv.join(' ')} exited ${result.status}:\n${(result.stdout + result.stderr).slice(-2000)}`);
  return ms;
}
await benchLab(process.argv[2], last, (labFile) => {
  const kthw = (...args: string[]) => [process.execPath, kthwBin, '--lab', labFile, ...args];

  const dir = mkdtempSync(join(tmpdir(), 'kthw-bench-export-'));
  try {
    run(kthw('export', 'ansible', dir, '--until', `chapter-${last}`));
    const replay: number[] = [];
    const playbook: number[] = [];
    const verify: number[] = [];
    const verifyYml: number[] = [];
    for (let i = 0; i < rounds; i++) {
      run(kthw('lab', 'reset', 'all'));
      replay.push(run(kthw('replay')));
      verify.push(last === 7 ? run(kthw('verify', 'all')) : chapters.reduce((sum, c) => sum + run(kthw('verify', c)), 0));
      run(kthw('lab', 'reset', 'all'));
      playbook.push(run(['ansible-playbook', 'site.yml'], dir));
      verifyYml.push(run(['ansible-playbook', 'verify.yml'], dir));
    }
    const ratio = (a: number[], b: number[]) => (median(b) / median(a)).toFixed(1);
    console.log(
      `onto reset machines, chapters 01-0${last}: kthw replay ${median(replay).toFixed(0)} ms · ansible-playbook site.yml ${median(playbook).toFixed(0)} ms → kthw ${ratio(replay, playbook)}× faster (goal ≥ 3×)`,
    );
    console.log(
      `checks of chapters 01-0${last}: kthw verify (${last === 7 ? 'all, one process' : `${last} processes`}) ${median(verify).toFixed(0)} ms · ansible-playbook verify.yml ${median(verifyYml).toFixed(0)} ms → kthw ${ratio(verify, verifyYml)}× faster (goal ≥ 10×; both run every check)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return Promise.resolve();
});
