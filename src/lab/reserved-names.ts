/**
 * Host names that already mean something else to kthw or to the Ansible export, so a lab host may
 * not take them: a plan's `local` is this machine, `all` is every host of `kthw lab reset`, and an
 * Ansible host pattern that names a group (or `localhost`) reaches other machines than the host.
 */
export const ANSIBLE_GROUPS = ['jumpboxes', 'controllers', 'etcd', 'workers', 'routers'] as const;

const RESERVED: ReadonlyMap<string, string> = new Map([
  ['local', "kthw's plans use it for this machine (the one kthw runs on)"],
  ['localhost', 'it names this machine, for kthw and for Ansible'],
  ['all', "it means every host (kthw lab reset all, Ansible's group of all hosts)"],
  ['ungrouped', "it is one of Ansible's built-in groups"],
  ...ANSIBLE_GROUPS.map((group): [string, string] => [group, `it is the name of an Ansible group of the export (hosts by role)`]),
]);

/** Why `name` cannot be a lab host's name, or undefined when it can. */
export function reservedHostName(name: string): string | undefined {
  return RESERVED.get(name);
}
