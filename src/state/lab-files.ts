/**
 * The one map of what kthw keeps in a lab's directory, relative to it. Code names a file by its
 * key here instead of joining the path by hand; docs/state-file.md lists every entry (a test holds
 * them equal). Files a chapter's generators make (a key, a configuration) are the chapter's to
 * name: ChapterModule.secrets.
 */
import { join } from 'node:path';

export const labFiles = {
  /** Progress (state-file.md). */
  state: 'state.json',
  /** The lab file the last session was opened with, pinned so the directory alone replays the lab. */
  pinnedLab: 'lab.yaml',
  /** Present while a kthw process writes the state. */
  lock: 'state.lock',
  /** An unfinished `kthw replay` onto this lab, so the next call resumes. */
  replay: 'replay.json',
  /** Certificates and keys (0700, keys 0600). */
  pki: 'pki',
  /** SSH material (0700). */
  ssh: 'ssh',
  /** The key kthw logs into the local lab's machines with. */
  sshKey: 'ssh/id_ed25519',
  /** The machines' pinned host keys. */
  knownHosts: 'ssh/known_hosts',
  /** `ssh -F` configuration of the local lab (`kthw lab ssh`). */
  sshConfig: 'ssh/ssh_config',
  /** The local lab machines' own host keys. */
  hostKeys: 'ssh/host-keys',
  /** Rendered configuration files, kept for inspection and export. */
  generated: 'generated',
  /** Secrets chapters generate (e.g. the encryption configuration). */
  secrets: 'secrets',
  /** The Ansible export's vault password. */
  vaultPassword: 'ansible-vault-password',
  /** Ansible's SSH control sockets for an exported project run against this lab. */
  ansibleControlPath: 'ansible-cp',
} as const;

export type LabFile = keyof typeof labFiles;

/** The absolute path of one of the lab directory's files. */
export const labDirPath = (labDir: string, file: LabFile): string => join(labDir, labFiles[file]);
