/**
 * The OpenSSH options that make Ansible reach a lab's hosts the way kthw does: host keys checked
 * against the lab's known_hosts only, the lab's identity, and jump hosts taken one hop at a time.
 */
import { existsSync } from 'node:fs';
import { primaryAddress, type Host, type Lab } from '../../lab/types.js';
import { shq } from '../../ssh/shell-quote.js';
import { labDirPath } from '../../state/lab-files.js';

/** The local lab's own key, when `kthw lab up` made one. */
export function localLabKey(labDir: string): string | undefined {
  const key = labDirPath(labDir, 'sshKey');
  return existsSync(key) ? key : undefined;
}

/** Options pinning host keys to the lab's known_hosts (the local lab); none for a lab of the learner's own machines. */
export function pinnedSshOptions(labDir: string): string[] {
  const knownHosts = labDirPath(labDir, 'knownHosts');
  if (!existsSync(knownHosts)) return [];
  return ['-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'HostKeyAlgorithms=ssh-ed25519', '-o', 'IdentitiesOnly=yes'];
}

/**
 * A ProxyCommand reaching `target` through `jump` (and through the jump's own jump, nested).
 * OpenSSH applies command-line options to the destination only, never to a ProxyJump hop, so a
 * hop would be checked against ~/.ssh/known_hosts: each hop here is an ssh of its own, with the
 * same pinned options. `%` is doubled because ssh expands %-tokens in a ProxyCommand.
 */
export function proxyCommand(lab: Lab, labDir: string, jump: Host, target: { address: string; port: number }): string {
  const address = primaryAddress(lab, jump);
  const identity = jump.ssh.identity ?? localLabKey(labDir);
  const hop = jump.ssh.jump === undefined ? undefined : hostNamed(lab, jump.ssh.jump);
  const argv = [
    'ssh',
    ...pinnedSshOptions(labDir),
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'BatchMode=yes',
    ...(identity ? ['-i', identity] : []),
    ...(hop ? ['-o', `ProxyCommand=${proxyCommand(lab, labDir, hop, { address, port: jump.ssh.port })}`] : []),
    '-p',
    String(jump.ssh.port),
    '-W',
    `[${target.address}]:${target.port}`,
    `${jump.ssh.user}@${address}`,
  ];
  return argv.map(word).join(' ').replaceAll('%', '%%');
}

/** Quoted as shq does, except that our own flags stay bare (`-o`, not `'-o'`): every argv position here is ours. */
const word = (arg: string) => (/^[A-Za-z0-9_/.,:=@%+-]+$/.test(arg) ? arg : shq(arg));

/** `ansible_ssh_common_args` for a host reached through `jump`: Ansible splits it as a POSIX shell would. */
export function jumpSshArgs(lab: Lab, labDir: string, host: Host, jump: Host): string {
  return `-o ${shq(`ProxyCommand=${proxyCommand(lab, labDir, jump, { address: primaryAddress(lab, host), port: host.ssh.port })}`)}`;
}

function hostNamed(lab: Lab, name: string): Host {
  const host = lab.hosts.find((h) => h.name === name);
  if (!host) throw new Error(`jump host ${name} is not a host of lab ${lab.name}`);
  return host;
}
