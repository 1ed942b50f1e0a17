/** `inventory.yml` from the lab file: the groups by role, and the connection kthw itself uses. */
import { primaryAddress, type Lab, type Role } from '../../lab/types.js';
import { ANSIBLE_GROUPS } from '../../lab/reserved-names.js';
import { jumpSshArgs, localLabKey } from './ssh-options.js';

// The lab refuses host names equal to these groups (lab/reserved-names.ts): a play's host pattern
// that names a group would reach every member. Plural, so the jumpbox host `jumpbox` stays free.
const roleOf: Record<(typeof ANSIBLE_GROUPS)[number], Role> = {
  jumpboxes: 'jumpbox',
  controllers: 'controller',
  etcd: 'etcd',
  workers: 'worker',
  routers: 'router',
};
const groups: Array<[string, Role]> = ANSIBLE_GROUPS.map((group) => [group, roleOf[group]]);

export function inventory(lab: Lab, labDir: string): unknown {
  const byName = new Map(lab.hosts.map((h) => [h.name, h]));
  const hosts = Object.fromEntries(
    lab.hosts.map((host) => {
      const identity = host.ssh.identity ?? localLabKey(labDir);
      const jump = host.ssh.jump !== undefined ? byName.get(host.ssh.jump) : undefined;
      return [
        host.name,
        {
          ansible_host: primaryAddress(lab, host),
          ansible_user: host.ssh.user,
          ansible_port: host.ssh.port,
          ...(identity ? { ansible_ssh_private_key_file: identity } : {}),
          ...(jump ? { ansible_ssh_common_args: jumpSshArgs(lab, labDir, host, jump) } : {}),
        },
      ];
    }),
  );
  const children = Object.fromEntries(
    groups
      .map(([group, role]): [string, { hosts: Record<string, null> }] => [
        group,
        { hosts: Object.fromEntries(lab.hosts.filter((h) => h.roles.includes(role)).map((h) => [h.name, null])) },
      ])
      .filter(([, g]) => Object.keys(g.hosts).length > 0),
  );
  return { all: { hosts, children } };
}
