/**
 * A plan is what a chapter turns a lab into: plain, serialisable data. The engine runs it over SSH,
 * the state file records it, replay re-runs it and the Ansible export maps it
 * (step → tasks, file → template, command → guarded command task, check → assert).
 * Nothing in a plan is secret: private keys and the encryption key are referenced, never embedded.
 */
import type { Track } from '../lab/types.js';

/** Where an action runs: a host of the lab by name. */
export type HostName = string;

/** A file placed on a host. `content` is the rendered text; `template` says where it came from. */
export interface FileAction {
  kind: 'file';
  path: string;
  mode: string; // octal, e.g. "0644"
  owner?: string;
  group?: string;
  content: string;
  /** The chapter template it was rendered from and the variables used (for the Ansible export). */
  template?: { name: string; vars: Record<string, string> };
  /** systemd units to restart when this file changed. */
  notify?: string[];
}

/** A file whose content is a secret kept in the lab directory (a private key, the encryption config). */
export interface SecretFileAction {
  kind: 'secret-file';
  path: string;
  mode: string;
  owner?: string;
  group?: string;
  /** e.g. `pki/admin.key`, `secrets/encryption-config.yaml`: relative to the lab directory. */
  secret: string;
  notify?: string[];
}

/**
 * A shell command, exactly as the learner would type it. `unless` is a command whose success means
 * the effect is already there (the step is then skipped and reports no change).
 */
export interface CommandAction {
  kind: 'command';
  run: string;
  unless?: string;
  /** The command only looks and reports (e.g. verifies downloads): it never counts as a change. */
  readOnly?: boolean;
}

/**
 * A file copied from the learner's machine (e.g. a binary from a local mirror directory) to a host,
 * verified against `sha256` when the lab file pins one. `from` is an absolute local path.
 */
export interface CopyAction {
  kind: 'copy';
  from: string;
  path: string;
  mode: string;
  sha256?: string;
  /** Who pins `sha256`, for the error on a mismatch (default: the lab file). */
  sha256Source?: string;
  owner?: string;
  group?: string;
}

/** A systemd unit brought to a state. Restarted only when a file that notifies it changed. */
export interface UnitAction {
  kind: 'unit';
  unit: string;
  enabled: boolean;
  state: 'started' | 'stopped';
  /**
   * Queue the start or restart and return at once (`systemctl --no-block`): for a unit that reports
   * ready only once its peers run too (an etcd member of a new cluster), started on each host in turn.
   */
  noBlock?: boolean;
}

/** A directory with its parents (as `mkdir -p` makes them), brought to a mode and owner. */
export interface DirectoryAction {
  kind: 'directory';
  path: string;
  mode: string; // octal, e.g. "0700"
  owner?: string;
  group?: string;
}

/**
 * Files taken out of a tar archive on the host (a download): each of `members` (paths inside the
 * archive, all at the same depth) lands in `dest` under its base name. With `optional`, an absent
 * archive is no error and nothing happens (the local lab has no internet; the image's binaries stand in).
 */
export interface UnpackAction {
  kind: 'unpack';
  archive: string;
  dest: string;
  members: string[];
  optional?: boolean;
}

/** Debian packages, installed with apt when one is missing (the package index refreshed first). */
export interface PackagesAction {
  kind: 'packages';
  names: string[];
}

/**
 * Work kthw does on the learner's machine (no host): generating the PKI, the encryption key or an
 * SSH key pair. Outputs land in the lab directory: `pki/<id>.crt|key`, `ssh/<item>_ed25519[.pub]`.
 */
export interface GenerateAction {
  kind: 'generate';
  /** A generator's name: kthw's own (`pki`, `ssh-key`) or one a chapter registers (ChapterModule.generators). */
  generator: string;
  /** What to generate: certificate profile ids for `pki`, key names for `ssh-key`. */
  items: string[];
}

export type Action = FileAction | SecretFileAction | CopyAction | DirectoryAction | UnpackAction | PackagesAction | CommandAction | UnitAction | GenerateAction;

export interface Step {
  id: string;
  title: string;
  /** Why this step exists: shown by the TUI's "explain". Markdown. */
  why: string;
  /** The host it runs on; `local` means kthw's own machine (the learner's workstation). */
  host: HostName;
  actions: Action[];
  /** Each flag or setting the step's commands and files use (`--data-dir`), with what it does: shown by "explain". */
  glossary?: Record<string, string>;
}

export interface CheckSpec {
  id: string;
  title: string;
  /** The host it checks; `local` means kthw's own machine. */
  host: HostName;
  /** A check primitive from checks/ (e.g. `file`, `x509`, `unit`, `port`, `command`). */
  kind: string;
  params: Record<string, unknown>;
  /** Why it matters when it fails, in one or two sentences. */
  why: string;
  /** How to fix it when it fails. */
  fix: string;
}

export interface Plan {
  chapter: string;
  steps: Step[];
  checks: CheckSpec[];
}

export interface ChapterMeta {
  /** Stable id used in the state file and on the command line: `chapter-4`. */
  id: string;
  number: number;
  slug: string;
  title: string;
  summary: string;
  tracks: Track[];
  /**
   * The chapter takes the cluster apart (clean-up): run, verified and exported only when named,
   * never as part of `all` (`kthw verify all`, a whole-lab export), which describe a cluster built.
   */
  teardown?: boolean;
}
