/**
 * What kubelet sees of three kernel-wide settings on a worker machine. kubelet insists on
 * vm.overcommit_memory=1, kernel.panic=10 and kernel.panic_on_oops=1 and fails to start when it
 * cannot set them; a machine of the local lab shares this computer's kernel, whose /proc/sys it
 * sees read-only, and setting them would change the learner's own computer (a kernel panic would
 * reboot it). So the machine shows kubelet those values, read-only, from files of its own: kubelet
 * finds what it wants and writes nothing. On a VM kubelet sets them itself.
 */
export const KERNEL_VIEW_UNIT = 'kthw-kernel-view.service';

export const KERNEL_VIEW: ReadonlyArray<[string, string]> = [
  ['vm/overcommit_memory', '1'],
  ['kernel/panic', '10'],
  ['kernel/panic_on_oops', '1'],
];

export function kernelViewUnit(): string {
  const mounts = KERNEL_VIEW.map(([key, value]) => {
    const file = `/run/kthw-kernel-view/${key.replace('/', '.')}`;
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
    '',
    '[Install]',
    'WantedBy=sysinit.target',
    '',
  ].join('\n');
}
