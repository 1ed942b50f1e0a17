/** Small helpers the chapters share; nothing here knows a chapter. */
import { hostsWithRole, type Host, type Lab } from '../src/lab/types.js';
import { sh } from '../src/ssh/shell-quote.js';
import { UsageError } from '../src/util/errors.js';

/** The machine the learner works from; a lab without one cannot follow chapters 02–04. */
export function jumpboxOf(lab: Lab): Host {
  const jumpbox = hostsWithRole(lab, 'jumpbox')[0];
  if (!jumpbox) {
    throw new UsageError(`lab "${lab.name}" has no host with the jumpbox role`, {
      where: lab.source,
      fix: 'give one host `roles: [jumpbox]` (it may carry other roles too)',
    });
  }
  return jumpbox;
}

/** Every host but the jumpbox: the machines it administers. */
export function managedHosts(lab: Lab): Host[] {
  const jumpbox = jumpboxOf(lab);
  return lab.hosts.filter((h) => h.name !== jumpbox.name);
}

/** A regular expression matching exactly this text on a line of its own. */
export function wholeLine(text: string): string {
  return `^${escapeRegex(text)}$`;
}

export function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

/** Where kthw stages files it then merges into system files (/etc/hosts, authorized_keys). */
export const stagingDir = '/var/lib/kthw';

/** The learner's working directory on the jumpbox (upstream clones its repository here). */
export const workDir = '/root/kubernetes-the-hard-way';

/** Shell that ends a file with a newline if it has content without one, so an append starts a new line. */
export function newlineBeforeAppend(file: string): string {
  return sh`{ [ -z "$(tail -c 1 ${file} 2>/dev/null)" ] || echo >> ${file}; }`;
}

/** `ssh root@<host> <command>` from the jumpbox, never prompting (the remote command is quoted once more). */
export function sshRoot(host: string, remoteCommand: string): string {
  return sh`ssh -n -o BatchMode=yes ${`root@${host}`} ${remoteCommand}`;
}

/**
 * A file copied from the jumpbox to another machine with scp, mode 0600, guarded by comparing the
 * remote file's mode and sha256 with the local one (the local hash travels on ssh's stdin), so a
 * re-run copies nothing.
 */
export function scpGuarded(localFile: string, host: string, remotePath: string): { run: string; unless: string } {
  return {
    run: sh`scp -q -o BatchMode=yes ${localFile} ${`root@${host}:${remotePath}`} && ` + sshRoot(host, sh`chmod 0600 ${remotePath}`),
    unless: sh`sha256sum < ${localFile} | ` + sshFed(host, sh`[ "$(stat -c %a ${remotePath})" = 600 ] && [ "$(sha256sum < ${remotePath})" = "$(cat)" ]`),
  };
}

/** Like sshRoot, but the remote command reads what is piped into ssh. */
export function sshFed(host: string, remoteCommand: string): string {
  return sh`ssh -o BatchMode=yes ${`root@${host}`} ${remoteCommand}`;
}

/**
 * The glossary of a step from the flags its commands or files use: each flag's name (the part
 * before `=`) looked up in the chapter's meanings. A flag without a meaning is a chapter bug, so
 * adding a flag without explaining it fails the chapter's tests.
 */
export function glossaryOf(flags: string[], meanings: Record<string, string>): Record<string, string> {
  const glossary: Record<string, string> = {};
  for (const flag of flags) {
    const name = flag.split('=')[0]!;
    const meaning = Object.hasOwn(meanings, name) ? meanings[name] : undefined;
    if (meaning === undefined) throw new Error(`no meaning written for ${name}`);
    glossary[name] = meaning;
  }
  return glossary;
}
