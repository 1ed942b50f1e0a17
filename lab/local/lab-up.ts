import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentError } from '../../src/util/errors.js';
import { primaryAddress, type Lab } from '../../src/lab/types.js';
import { ensureBinaries, type BinariesOptions } from './binaries.js';
import { missingFromMirror } from './binaries-lab.js';
import { ensureImage, type ImageOptions } from './image.js';
import { assertBootable } from './lab-checks.js';
import { labDown } from './lab-down.js';
import { labStatus, type LabStatus } from './lab-status.js';
import { silent, type LabLog } from './log.js';
import { machineRunning, startMachine } from './machine.js';
import { bridgeNetns, bridgePort, hostVeth, machineCgroup, machineName, machineNetns } from './names.js';
import { assertNoOverlap, createNetwork, labPrefixes, netnsExists } from './network.js';
import { labStateDir } from './paths.js';
import { ensurePodImages, type PodImagesOptions } from './pod-images.js';
import { raiseInotifyLimits } from './inotify-limits.js';
import { checkPrerequisites } from './prerequisites.js';
import { processRunning } from './processes.js';
import { waitForSsh } from './reachability.js';
import { readRecord, writeRecord, type LabRecord } from './runtime-record.js';
import { ensureSshMaterial } from './ssh-material.js';

export interface LabUpOptions {
  log?: LabLog;
  image?: ImageOptions;
  /** The release mirror built from source (lab/binaries/); `false`: neither build nor record it. */
  binaries?: BinariesOptions | false;
  /** The pod images built here (lab/pod-images/), recorded as the `images` parameter; `false`: neither build nor record them. */
  podImages?: PodImagesOptions | false;
  /** How long each machine may take to answer SSH (default 60 s). */
  sshTimeoutMs?: number;
}

function planRecord(lab: Lab, image: string): LabRecord {
  const stateDir = labStateDir(lab.name);
  return {
    version: 1,
    lab: lab.name,
    source: lab.source,
    prefixes: labPrefixes(lab),
    bridgeNetns: bridgeNetns(lab.name),
    hostVeth: hostVeth(lab.name),
    image,
    stateDir,
    upPid: process.pid,
    machines: lab.hosts.map((h, i) => ({
      host: h.name,
      netns: machineNetns(lab.name, h.name),
      bridgePort: bridgePort(i),
      machineName: machineName(lab.name, h.name),
      cgroup: machineCgroup(lab.name, h.name),
      upper: join(stateDir, h.name, 'upper'),
    })),
  };
}

/** Disks kept from an older image sit on a lower layer they were not made on: say so. */
function warnOnImageChange(stateDir: string, hash: string, log: LabLog): void {
  const marker = join(stateDir, 'image');
  const previous = existsSync(marker) ? readFileSync(marker, 'utf8').trim() : undefined;
  if (previous !== undefined && previous !== hash) {
    log(`warning: the machines' kept disks were made on image ${previous}, now ${hash}; kthw lab down (without keep) gives fresh machines`);
  }
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  writeFileSync(marker, `${hash}\n`);
}

/**
 * What this host gives every chapter of the lab (the runtime record's `params`): `machines: local`
 * (the machines are containers on this host, so chapter 09 writes the local lab's few differences);
 * `mirror`, the built release mirror, when it serves every download of this lab (built first if
 * needed; a lab file pinning other versions gets none); `images`, the pod images built here (no
 * registry is reachable), when they can be built.
 */
async function labParams(lab: Lab, options: LabUpOptions, log: LabLog): Promise<Record<string, string>> {
  const params: Record<string, string> = { machines: 'local' };
  if (options.binaries !== false) {
    const binaries = await ensureBinaries({ log, ...options.binaries });
    const missing = missingFromMirror(lab, binaries.dir);
    if (missing.length > 0) log(`the built mirror ${binaries.dir} lacks ${missing.join(', ')} of lab ${lab.name}: chapters that download need --mirror DIR`);
    else params.mirror = binaries.dir;
  }
  if (options.podImages !== false) {
    try {
      params.images = (await ensurePodImages({ log, ...options.podImages })).dir;
    } catch (error) {
      log(`pod images could not be built (${error instanceof Error ? error.message : String(error)}): chapter 09 pulls from a registry instead`);
    }
  }
  return params;
}

function fullyUp(record: LabRecord, lab: Lab): boolean {
  return (
    record.machines.length === lab.hosts.length &&
    record.machines.every((m, i) => m.host === lab.hosts[i]!.name && m.supervisorPid !== undefined && machineRunning(m)) &&
    netnsExists(record.bridgeNetns)
  );
}

/**
 * Boots every host of the lab as a systemd-nspawn machine on its own network namespace and waits
 * until each answers SSH with its pinned host key. Already up: only waits for SSH. Left half-made
 * by a killed `labUp`: cleaned up (machine upper dirs kept) and booted again.
 */
export async function labUp(lab: Lab, options: LabUpOptions = {}): Promise<LabStatus> {
  const log = options.log ?? silent;
  const started = Date.now();
  assertBootable(lab);
  checkPrerequisites();
  for (const change of raiseInotifyLimits()) log(`host inotify limit raised for the machines' kubelets: ${change}`);
  const existing = readRecord(lab.name);
  if (existing?.upPid !== undefined && existing.upPid !== process.pid && processRunning(existing.upPid)) {
    throw new EnvironmentError(`another kthw process (pid ${existing.upPid}) is bringing lab ${lab.name} up`, {
      fix: 'wait for it, or stop it and run kthw lab down',
    });
  }
  if (existing && fullyUp(existing, lab)) {
    log(`lab ${lab.name} is already up`);
    const params = await labParams(lab, options, log);
    const current = readRecord(lab.name);
    if (current && JSON.stringify(current.params) !== JSON.stringify(params)) writeRecord({ ...current, params });
  } else {
    if (existing) {
      log(`lab ${lab.name}: cleaning up what an earlier run left behind`);
      await labDown(lab.name, { log, keep: true });
    }
    await assertNoOverlap(lab, hostVeth(lab.name));
    // the image (mostly downloads and disk) and the binaries (mostly CPU) are made side by side
    const [image, params] = await Promise.all([ensureImage({ log, ...options.image }), labParams(lab, options, log), ensureSshMaterial(lab)]);
    const record = planRecord(lab, image.path);
    record.params = params;
    warnOnImageChange(record.stateDir, image.hash, log);
    writeRecord(record);
    try {
      await createNetwork(lab, record, log);
      for (const [i, host] of lab.hosts.entries()) {
        record.machines[i]!.supervisorPid = startMachine(lab, host, record.machines[i]!, image.path, record.stateDir);
      }
      delete record.upPid;
      writeRecord(record);
    } catch (error) {
      // leave nothing half-made behind; the machines' disks stay
      await labDown(lab.name, { keep: true }).catch(() => undefined);
      throw error;
    }
    log(`lab ${lab.name}: ${lab.hosts.length} machines booting`);
  }
  const timeout = options.sshTimeoutMs ?? 60_000;
  await Promise.all(lab.hosts.map((h) => waitForSsh(lab.name, h.name, primaryAddress(lab, h), h.ssh.port, timeout)));
  log(`lab ${lab.name} up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return labStatus(lab);
}
