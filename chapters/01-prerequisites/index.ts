import { chapterFolder, type ChapterModule, type CheckSpec, type Host, type Lab, sh, type Step, wholeLine } from '../kit.js';

const folder = chapterFolder(import.meta.url);

/**
 * Modest floors (KiB) for what a machine must have, by its heaviest role. Upstream asks for 2 GB
 * on the cluster machines and 512 MB on the jumpbox; a VM sold as "2 GB" reports a little less.
 */
const minimums = {
  controller: { memoryKib: 1536 * 1024, diskKib: 4 * 1024 * 1024 },
  worker: { memoryKib: 1536 * 1024, diskKib: 4 * 1024 * 1024 },
  light: { memoryKib: 384 * 1024, diskKib: 2 * 1024 * 1024 },
};

function minimumFor(host: Host) {
  if (host.roles.includes('controller') || host.roles.includes('etcd')) return minimums.controller;
  if (host.roles.includes('worker')) return minimums.worker;
  return minimums.light;
}

function survey(lab: Lab, host: Host): Step {
  return {
    id: `survey-${host.name}`,
    title: `Look at ${host.name}`,
    why:
      `Nothing is changed here. ${host.name} (${host.roles.join(', ')}) must run Debian with systemd, ` +
      `be built for ${lab.arch}, have room for its role and let root in over SSH. ` +
      'The checks of this chapter look at all of that; by hand you would read `/etc/os-release`, ' +
      'run `dpkg --print-architecture`, `free -m` and `df -h /`.',
    host: host.name,
    actions: [],
  };
}

function checksFor(lab: Lab, host: Host): CheckSpec[] {
  const min = minimumFor(host);
  const on = host.name;
  return [
    {
      id: `root-ssh-${on}`,
      title: `root logs in to ${on} over SSH`,
      host: on,
      kind: 'command',
      params: { run: 'id -un', stdout: wholeLine('root') },
      why: 'Every later chapter installs files and services as root over SSH.',
      fix: `allow root logins with a key on ${on} (PermitRootLogin prohibit-password in sshd_config) and connect as root`,
    },
    {
      id: `debian-${on}`,
      title: `${on} runs Debian`,
      host: on,
      kind: 'file',
      params: { path: '/etc/os-release', matches: '^ID="?debian"?$' },
      why: "The commands of this tutorial (apt, dpkg, paths under /etc) are Debian's.",
      fix: `install Debian 12 or newer on ${on}`,
    },
    {
      id: `systemd-${on}`,
      title: `${on} is booted with systemd`,
      host: on,
      kind: 'command',
      // The test systemd itself documents for "was this system booted with systemd".
      params: { run: 'test -d /run/systemd/system && cat /proc/1/comm', stdout: wholeLine('systemd') },
      why: 'etcd, containerd and the Kubernetes components are run as systemd units.',
      fix: `boot ${on} with systemd as PID 1 (a container needs a systemd-aware runtime such as systemd-nspawn --boot)`,
    },
    {
      id: `arch-${on}`,
      title: `${on} is ${lab.arch}`,
      host: on,
      kind: 'command',
      params: { run: 'dpkg --print-architecture', stdout: wholeLine(lab.arch) },
      why: `The binaries downloaded in chapter 02 are built for ${lab.arch}; they will not run elsewhere.`,
      fix: `set \`arch\` in the lab file to this machine's architecture, or use ${lab.arch} machines`,
    },
    {
      id: `memory-${on}`,
      title: `${on} has at least ${Math.round(min.memoryKib / 1024)} MiB of memory`,
      host: on,
      kind: 'command',
      params: {
        run: sh`awk -v min=${min.memoryKib} '/^MemTotal:/ { print $2 " KiB of memory"; found = 1; exit ($2 < min) } END { if (!found) exit 1 }' /proc/meminfo`,
      },
      why: 'Below this the components of its role get killed for lack of memory.',
      fix: `give ${on} more memory`,
    },
    {
      id: `disk-${on}`,
      title: `${on} has at least ${Math.round(min.diskKib / 1024 / 1024)} GiB free on /`,
      host: on,
      kind: 'command',
      params: {
        run: sh`df -Pk / | awk -v min=${min.diskKib} 'NR == 2 { print $4 " KiB free on /"; found = 1; exit ($4 < min) } END { if (!found) exit 1 }'`,
      },
      why: 'Binaries, container images and the etcd database all live on the root file system.',
      fix: `free space on ${on}'s root file system or grow its disk`,
    },
  ];
}

export const chapter: ChapterModule = {
  meta: {
    ...folder,
    title: 'Prerequisites',
    summary: 'Check that every machine of the lab is fit: Debian, systemd, the right architecture, memory, disk and root SSH.',
    tracks: ['classic', 'ipv6-ha'],
  },
  plan(lab) {
    return {
      chapter: folder.id,
      steps: lab.hosts.map((host) => survey(lab, host)),
      checks: lab.hosts.flatMap((host) => checksFor(lab, host)),
    };
  },
};
