import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { expect, inject } from 'vitest';
import type { Lab } from '../../src/lab/types.js';
import { labSshArgs } from '../../lab/local/index.js';
import { bridgeNetns, hostVeth, labCgroup, machineName } from '../../lab/local/names.js';
import { labStateDir } from '../../lab/local/paths.js';
import { allCgroupRoots } from '../../lab/local/processes.js';
import { forwardGuardTable } from '../../lab/local/forward-guard.js';
import { recordPath } from '../../lab/local/runtime-record.js';
import { runKthw } from '../support/run-kthw.js';

/** Points this test file at the run's KTHW_HOME (lab dirs live there). */
export function useLabHome(): void {
  process.env.KTHW_HOME = inject('kthwHome');
}

export interface Exec {
  code: number;
  stdout: string;
  stderr: string;
}

export function exec(command: string, args: string[], timeoutMs = 60_000): Promise<Exec> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 255) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A real OpenSSH session through the lab's ssh_config (pinned host keys, StrictHostKeyChecking yes). */
export function sshRun(lab: Lab, host: string, command: string): Promise<Exec> {
  const [ssh, ...args] = labSshArgs(lab, host, command);
  return exec(ssh!, ['-o', 'BatchMode=yes', ...args]);
}

/** Every trace a lab can leave on the host, by its names: all must be empty after `labDown`. */
export function labTraces(lab: Lab): Record<string, string[]> {
  const netns = existsSync('/run/netns') ? readdirSync('/run/netns').filter((n) => n === bridgeNetns(lab.name) || n.startsWith(`kthw-${lab.name}-`)) : [];
  const links = readdirSync('/sys/class/net').filter((l) => l === hostVeth(lab.name));
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((line) => line.includes(`/kthw-${lab.name}-`) || line.includes(labStateDir(lab.name)));
  const cgroups = allCgroupRoots()
    .map((r) => `${r}/${labCgroup(lab.name)}`)
    .filter(existsSync);
  const names = lab.hosts.map((h) => machineName(lab.name, h.name));
  const processes = readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .flatMap((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return [];
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        return cmdline.some((arg) => names.some((n) => arg === `--machine=${n}`)) ? [`${pid} ${cmdline.join(' ')}`] : [];
      } catch {
        return [];
      }
    });
  const files = [labStateDir(lab.name), recordPath(lab.name), ...names.map((n) => `/run/systemd/nspawn/propagate/${n}`)].filter((f) => existsSync(f));
  const guard = forwardGuardTable(hostVeth(lab.name));
  const nftTables = spawnSync('nft', ['list', 'tables'], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((line) => line.trim() === `table inet ${guard}`);
  return { netns, links, mounts, cgroups, processes, files, nftTables };
}

export const NO_TRACES = { netns: [], links: [], mounts: [], cgroups: [], processes: [], files: [], nftTables: [] };

export { labVariant } from '../support/lab-variant.js';

/** `kthw --lab FILE …` in the test run's KTHW_HOME, its stdout and stderr also joined as `output`. */
export function kthwOn(labFile: string, ...args: string[]) {
  const result = runKthw(['--lab', labFile, ...args], { env: { KTHW_HOME: inject('kthwHome') } });
  return { ...result, output: result.stdout + result.stderr };
}

/** Boots the lab and runs these chapters through the kthw binary, each expected to succeed. */
export function upWithChapters(kthw: (...args: string[]) => { code: number | null; output: string }, chapters: string[]): void {
  const up = kthw('lab', 'up');
  expect(up.code, up.output).toBe(0);
  for (const chapter of chapters) {
    const run = kthw('run', chapter);
    expect(run.code, `${chapter}:\n${run.output.slice(-3000)}`).toBe(0);
  }
}

/** `ansible-playbook FILE` in an exported project, expected to succeed; its output and how long it took. */
/**
 * The most one ansible-playbook run of an export may take. A run's time is almost all per-task
 * overhead (a second run that changes nothing takes as long as the first), paid in CPU on this
 * machine by the controller and the lab machines alike, so it grows with the machine's load: the
 * ipv6-ha export's verify.yml (8 hosts) took 143 s at a load of 6 on 2 cores and 499 s at a load of
 * 18. 900 s leaves almost half again over the slowest seen. A test running N playbooks allows N
 * times this plus what its kthw steps need.
 */
export const PLAYBOOK_LIMIT_MS = 900_000;
/** kthw's own steps around the playbooks in one test (export, reset, verify of every chapter, a replay). */
export const KTHW_STEPS_LIMIT_MS = 300_000;

export function ansiblePlaybook(dir: string, file: string): { output: string; seconds: number } {
  const started = process.hrtime.bigint();
  const result = spawnSync('ansible-playbook', [file], {
    cwd: dir,
    encoding: 'utf8',
    timeout: PLAYBOOK_LIMIT_MS,
    env: { ...process.env, ANSIBLE_NOCOLOR: '1' },
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  expect(result.status, `${file}:\n${(result.stdout + result.stderr).slice(-4000)}`).toBe(0);
  return { output: result.stdout, seconds };
}

/** The changed= counts of a play recap, one per host. */
export const recapChanged = (output: string) => [...output.matchAll(/changed=(\d+)/g)].map((m) => Number(m[1]));
