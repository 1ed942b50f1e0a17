import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentError } from '../../src/util/errors.js';
import { isNode, type Host, type Lab } from '../../src/lab/types.js';
import { cgroupPids, createCgroup, killCgroup, processRunning, removeCgroup, waitFor } from './processes.js';
import type { MachineRecord } from './runtime-record.js';
import { prepareStubRoot, prepareUpper } from './upper-dir.js';

/**
 * The supervisor: joins the machine's own cgroups (two nspawns sharing one confuse each other),
 * then runs systemd-nspawn, again when the machine asks to reboot (exit 133).
 */
const CONNTRACK_PARAMETERS = '/sys/module/nf_conntrack/parameters';

const SUPERVISOR = [
  'while [ "$1" != -- ]; do echo $$ > "$1" || exit 97; shift; done; shift',
  'while :; do "$@"; rc=$?; [ "$rc" -eq 133 ] || exit "$rc"; done',
].join('\n');

export function machineDir(stateDir: string, host: string): string {
  return join(stateDir, host);
}

export function consoleLog(stateDir: string, host: string): string {
  return join(machineDir(stateDir, host), 'console.log');
}

function nspawnArgs(lab: Lab, host: Host, machine: MachineRecord, image: string, stub: string, machineId: string, dir: string): string[] {
  const args = [
    '-q',
    '-b',
    '--register=no',
    '--keep-unit',
    `--machine=${machine.machineName}`,
    `--hostname=${host.name}`,
    `--uuid=${machineId}`,
    `--directory=${stub}`,
    `--overlay=${image}:${machine.upper}:/`,
    `--network-namespace-path=/run/netns/${machine.netns}`,
    '--console=passive',
    '--resolv-conf=off',
    '--timezone=off',
    '--link-journal=no',
    // routers (FRR), controllers (kube-vip's VIP) and workers (CNI) change their own namespace's network
    '--capability=CAP_NET_ADMIN',
  ];
  if (isNode(host)) {
    const containerd = join(dir, 'containerd');
    mkdirSync(containerd, { recursive: true, mode: 0o711 });
    // a node (worker, or controller with a pod range): containerd's snapshotter cannot run on overlayfs; runc needs the session keyring
    // kubelet will not start without /dev/kmsg (its OOM watcher reads the kernel log), which nspawn
    // does not provide; reading it takes CAP_SYSLOG
    args.push(`--bind=${containerd}:/var/lib/containerd`, '--system-call-filter=@keyring', '--bind-ro=/dev/kmsg', '--capability=CAP_SYSLOG');
    // kube-proxy reads the conntrack hash size, and a machine's /sys (a tmpfs with a network
    // namespace of its own) has no /sys/module: "open /sys/module/nf_conntrack/parameters/hashsize"
    if (existsSync(CONNTRACK_PARAMETERS)) args.push(`--bind-ro=${CONNTRACK_PARAMETERS}`);
  }
  return args;
}

/** Writes the machine's files into its upper dir and starts its supervisor; returns the supervisor pid. */
export function startMachine(lab: Lab, host: Host, machine: MachineRecord, image: string, stateDir: string): number {
  const dir = machineDir(stateDir, host.name);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stub = join(dir, 'stub');
  prepareStubRoot(image, stub);
  const machineId = prepareUpper(lab, host, image, machine.upper);
  removeCgroup(machine.cgroup);
  const procsFiles = createCgroup(machine.cgroup);
  const log = openSync(consoleLog(stateDir, host.name), 'a', 0o600);
  try {
    const child = spawn(
      'sh',
      ['-c', SUPERVISOR, 'kthw-machine', ...procsFiles, '--', 'systemd-nspawn', ...nspawnArgs(lab, host, machine, image, stub, machineId, dir)],
      {
        detached: true,
        stdio: ['ignore', log, log],
        env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', SYSTEMD_NSPAWN_API_VFS_WRITABLE: 'network', SYSTEMD_LOG_COLOR: '0' },
      },
    );
    child.unref();
    if (child.pid === undefined)
      throw new EnvironmentError(`cannot start machine ${host.name}`, { fix: 'is systemd-nspawn installed? run `bash lab/setup-host.sh`' });
    return child.pid;
  } finally {
    closeSync(log);
  }
}

export function machineRunning(machine: MachineRecord): boolean {
  return cgroupPids(machine.cgroup).length > 0 || (machine.supervisorPid !== undefined && processRunning(machine.supervisorPid));
}

/**
 * Kills every process of the machine and waits until they are gone (zombies count as gone), then
 * removes its cgroups and nspawn's leftovers. The supervisor is spared at first: it reaps nspawn
 * and exits by itself (nspawn's exit is not 133), so no zombie is left behind on a host whose
 * PID 1 does not reap orphans; it is killed only if it lingers.
 */
export async function stopMachine(machine: MachineRecord, stateDir: string): Promise<void> {
  const supervisor = machine.supervisorPid;
  const graceEnds = Date.now() + 1000;
  const stopped = await waitFor(
    () => {
      const others = cgroupPids(machine.cgroup).filter((pid) => pid !== supervisor);
      for (const pid of others) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
      const supervisorAlive = supervisor !== undefined && processRunning(supervisor);
      if (others.length === 0 && supervisorAlive && Date.now() > graceEnds) {
        try {
          process.kill(supervisor, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
      return others.length === 0 && !supervisorAlive;
    },
    10_000,
    10,
  );
  if (!stopped) killCgroup(machine.cgroup);
  if (!stopped && machineRunning(machine)) {
    throw new EnvironmentError(`machine ${machine.host} did not stop: pids ${cgroupPids(machine.cgroup).join(' ')}`, {
      fix: 'look at those processes (ps -o pid,stat,cmd -p ...); a process stuck in the D state needs the host',
    });
  }
  removeCgroup(machine.cgroup);
  rmSync(`/run/systemd/nspawn/propagate/${machine.machineName}`, { recursive: true, force: true });
  // overlay work dirs nspawn makes next to the upper dir and never removes after a kill
  const dir = machineDir(stateDir, machine.host);
  if (existsSync(dir)) {
    for (const entry of readdirSync(dir)) if (entry.startsWith('.#')) rmSync(join(dir, entry), { recursive: true, force: true });
  }
}

/** The systemd-nspawn process of a running machine (the supervisor's child), if any. */
export function nspawnPid(machine: MachineRecord): number | undefined {
  if (machine.supervisorPid === undefined) return undefined;
  try {
    const children = readFileSync(`/proc/${machine.supervisorPid}/task/${machine.supervisorPid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
    return children.find(processRunning);
  } catch {
    return undefined;
  }
}
