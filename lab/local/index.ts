/**
 * The local lab: every host of a lab file as a systemd-nspawn machine (overlay on a shared Debian 13
 * image) in its own network namespace, reachable over real OpenSSH with pinned host keys.
 * Not a security boundary: root in a machine is root on the host.
 */
import type { Host, Lab } from '../../src/lab/types.js';
import { UsageError } from '../../src/util/errors.js';
import { sshPaths } from './ssh-material.js';

export { labUp, type LabUpOptions } from './lab-up.js';
export { labDown, type LabDownOptions } from './lab-down.js';
export { labStatus, type LabStatus, type MachineStatus } from './lab-status.js';
export { labReset, type LabResetOptions } from './lab-reset.js';
export { labSnapshot, listSnapshots } from './snapshots.js';
export { ensureImage, imageHash, staleImages, type Image, type ImageOptions } from './image.js';
export { ensureBinaries, binariesCacheRoot, type Binaries, type BinariesOptions } from './binaries.js';
export { missingFromMirror } from './binaries-lab.js';
export { ensurePodImages, podImagesCacheRoot, type PodImage, type PodImages } from './pod-images.js';
export { checkPrerequisites } from './prerequisites.js';
export { labDir, labStateDir } from './paths.js';
export type { LabLog } from './log.js';

export function labSshConfigPath(labName: string): string {
  return sshPaths(labName).config;
}

/** argv of a real OpenSSH session to a lab host (`ssh -F <labdir>/ssh/ssh_config host [cmd]`). */
export function labSshArgs(lab: Lab, host: Host | string, command?: string): string[] {
  const name = typeof host === 'string' ? host : host.name;
  if (!lab.hosts.some((h) => h.name === name)) {
    throw new UsageError(`no host ${JSON.stringify(name)} in lab ${lab.name}`, {
      where: lab.source,
      fix: `use one of: ${lab.hosts.map((h) => h.name).join(', ')}`,
    });
  }
  return ['ssh', '-F', sshPaths(lab.name).config, name, ...(command === undefined ? [] : [command])];
}
