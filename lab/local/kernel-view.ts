import { availableParallelism } from 'node:os';

/**
 * What kubelet and kube-proxy see of the kernel-wide settings they want on a worker machine.
 * kubelet insists on vm.overcommit_memory=1, kernel.panic=10, kernel.panic_on_oops=1 (and the
 * defaults of vm.panic_on_oom and the root key quotas) and fails to start when it cannot set them
 * ("open /proc/sys/kernel/panic: read-only file system"); kube-proxy raises nf_conntrack_max to
 * 32768 per core, at least 131072 ("could not set conntrack parameters"). A machine of the local
 * lab shares this computer's kernel, whose /proc/sys it sees read-only, and setting them would
 * change the learner's own computer (a kernel panic would reboot it). So the machine shows them
 * those values, read-only, from files of its own: they find what they want and write nothing. On a
 * VM they set them themselves.
 *
 * The same goes for swap: /proc/swaps is not namespaced, so a machine would list this computer's swap
 * (a laptop often has some), the kubelet would refuse to start ("running with swap on is not
 * supported") and chapter 09's `swapoff -a` would try to take this computer's swap away. A machine
 * has no swap of its own, so it is shown the table's header line alone, as a VM without swap has.
 */
export const KERNEL_VIEW_UNIT = 'kthw-kernel-view.service';

export function kernelView(cpus = availableParallelism()): ReadonlyArray<[string, string]> {
  return [
    ['vm/overcommit_memory', '1'],
    ['vm/panic_on_oom', '0'],
    ['kernel/panic', '10'],
    ['kernel/panic_on_oops', '1'],
    ['kernel/keys/root_maxkeys', '1000000'],
    ['kernel/keys/root_maxbytes', '25000000'],
    ['net/netfilter/nf_conntrack_max', String(Math.max(32768 * cpus, 131072))],
  ];
}

/** /proc/swaps with no swap in it: the header line alone (the kubelet counts the lines after it). */
export const NO_SWAP = 'Filename Type Size Used Priority';

export function kernelViewUnit(): string {
  const mounts = kernelView().map(([key, value]) => {
    const file = `/run/kthw-kernel-view/${key.replaceAll('/', '.')}`;
    return `ExecStart=/bin/sh -c 'echo ${value} > ${file} && mount --bind -o ro ${file} /proc/sys/${key}'`;
  });
  return [
    '[Unit]',
    "Description=kthw: show kubelet the kernel settings it wants without changing this computer's kernel",
    'DefaultDependencies=no',
    'Before=sysinit.target',
    '',
    '[Service]',
    'Type=oneshot',
    'RemainAfterExit=yes',
    'ExecStart=/bin/mkdir -p /run/kthw-kernel-view',
    ...mounts,
    `ExecStart=/bin/sh -c 'echo ${NO_SWAP} > /run/kthw-kernel-view/swaps && mount --bind -o ro /run/kthw-kernel-view/swaps /proc/swaps'`,
    '',
    '[Install]',
    'WantedBy=sysinit.target',
    '',
  ].join('\n');
}
