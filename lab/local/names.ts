import { createHash } from 'node:crypto';
import type { Lab } from '../../src/lab/types.js';

/**
 * Every kernel object a lab creates is named here, from the lab's name and host names only, so a
 * teardown can find them again. Interface names are limited to 15 characters: the host-side veth
 * (the only one in the host's namespace) carries a hash of the lab name; the others live inside the
 * lab's own namespaces, where short fixed names cannot clash.
 */
export function labTag(labName: string): string {
  return createHash('sha256').update(labName).digest('hex').slice(0, 8);
}

export function bridgeNetns(labName: string): string {
  return `kthw-${labName}-br`;
}

export function machineNetns(labName: string, host: string): string {
  return `kthw-${labName}-${host}`;
}

/** The host's end of the veth into the bridge namespace: `kt` + 8 hex + `h` (11 characters). */
export function hostVeth(labName: string): string {
  return `kt${labTag(labName)}h`;
}

export const BRIDGE = 'br0';
export const UPLINK = 'uplink';
/** Inside each machine's namespace. */
export const MACHINE_IFACE = 'eth0';

/** The bridge-side end of a machine's veth, by the host's position in the lab file. */
export function bridgePort(index: number): string {
  return `m${index}`;
}

/** systemd-nspawn's machine name (hostname is set separately to the host's own name). */
export function machineName(labName: string, host: string): string {
  return `kthw-${labName}-${host}`.slice(0, 64);
}

/** The cgroup (relative to each hierarchy's root) each machine's supervisor is placed in. */
export function machineCgroup(labName: string, host: string): string {
  return `kthw/${labName}/${host}`;
}

export function labCgroup(labName: string): string {
  return `kthw/${labName}`;
}

export function hostIndex(lab: Lab, host: string): number {
  const index = lab.hosts.findIndex((h) => h.name === host);
  if (index < 0) throw new Error(`no host ${host} in lab ${lab.name}`);
  return index;
}
