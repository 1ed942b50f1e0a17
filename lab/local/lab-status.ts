import { labFamilies, primaryAddress, type Lab } from '../../src/lab/types.js';
import { consoleLog, machineRunning, nspawnPid } from './machine.js';
import { processRunning } from './processes.js';
import { tcpOpen } from './reachability.js';
import { readRecord } from './runtime-record.js';
import { sshPaths } from './ssh-material.js';

export interface MachineStatus {
  host: string;
  running: boolean;
  /** The systemd-nspawn process (its child is the machine's systemd). */
  pid?: number;
  addresses: string[];
  sshReachable: boolean;
  consoleLog?: string;
}

export interface LabStatus {
  lab: string;
  up: boolean;
  sshConfig: string;
  machines: MachineStatus[];
}

export async function labStatus(lab: Lab): Promise<LabStatus> {
  const record = readRecord(lab.name);
  const machines = await Promise.all(
    lab.hosts.map(async (host): Promise<MachineStatus> => {
      const machine = record?.machines.find((m) => m.host === host.name);
      const running = machine !== undefined && machine.supervisorPid !== undefined && processRunning(machine.supervisorPid) && machineRunning(machine);
      const addresses = labFamilies(lab)
        .map((f) => host.addresses[f])
        .filter((a): a is string => a !== undefined);
      return {
        host: host.name,
        running,
        pid: running ? nspawnPid(machine) : undefined,
        addresses,
        sshReachable: running ? await tcpOpen(primaryAddress(lab, host), host.ssh.port, 500) : false,
        consoleLog: record ? consoleLog(record.stateDir, host.name) : undefined,
      };
    }),
  );
  return { lab: lab.name, up: machines.every((m) => m.running && m.sshReachable), sshConfig: sshPaths(lab.name).config, machines };
}
