import { access, readdir, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { EnvironmentError, UsageError } from '../util/errors.js';
import { quoted } from '../util/quoted.js';
import { isTempFileOf, writeFileAtomic } from './atomic-write.js';
import { sha256File } from './fingerprint.js';
import { ensureLabDir, labDir, type LabPaths } from './lab-dir.js';
import { parseStateText, readStateBytes, type LoadedState } from './read-state.js';
import { emptyState, labStateSchema, type LabIdentity, type LabState } from './schema.js';
import { assertNoSecrets } from './secret-guard.js';
import { withStateLock } from './state-lock.js';

export interface UpdateOptions {
  /** How long to wait for another process holding the lock, in ms. */
  wait?: number;
}

export interface StateStoreOptions {
  paths: LabPaths;
  /** The lab as it is now: recorded in the state on every update. */
  lab: LabIdentity;
  /** Default wait for the lock in `update()`, in ms (default 5000: updates are short). */
  lockWait?: number;
  /** Shown to another process that finds the lock held. */
  command?: string;
}

export type Mutator = (draft: LabState) => LabState | void | Promise<LabState | void>;

const stateFileMode = 0o600;

/**
 * The durable record of one lab's progress. `read()` needs no lock (the file is only ever replaced
 * whole, by rename); `update()` reads, changes and writes it under the lab's lock.
 */
export class StateStore {
  readonly paths: LabPaths;
  readonly lab: LabIdentity;
  private readonly lockWait: number;
  private readonly command: string | undefined;
  private prepared: Promise<LabPaths> | undefined;

  constructor(options: StateStoreOptions) {
    this.paths = options.paths;
    this.lab = options.lab;
    this.lockWait = options.lockWait ?? 5_000;
    this.command = options.command;
  }

  /**
   * Open the store of a lab; hashes the lab file. With `create` (the default) the lab directory is
   * created (or its modes repaired) now; without, only when something is first written (`update()`,
   * `ensureDir()`): read-only commands leave no `.kthw/<lab>/` behind.
   */
  static async open(options: { labName: string; labFile: string; root?: string; lockWait?: number; command?: string; create?: boolean }): Promise<StateStore> {
    const paths = options.create === false ? labDir(options.labName, options.root) : await ensureLabDir(options.labName, options.root);
    const file = resolve(options.labFile);
    let sha256: string;
    try {
      sha256 = await sha256File(file);
    } catch (error) {
      throw new EnvironmentError(`cannot read the lab file ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, {
        where: file,
        fix: 'pass an existing, readable lab file with --lab',
        cause: error,
      });
    }
    const store = new StateStore({ paths, lab: { name: options.labName, file, sha256 }, lockWait: options.lockWait, command: options.command });
    if (options.create !== false) store.prepared = Promise.resolve(paths);
    return store;
  }

  /** Create the lab directory (once) before something is written into it. */
  ensureDir(): Promise<LabPaths> {
    return (this.prepared ??= ensureLabDir(this.lab.name, join(this.paths.dir, '..')).catch((error: unknown) => {
      this.prepared = undefined;
      throw error;
    }));
  }

  get file(): string {
    return this.paths.stateFile;
  }

  /** The current state, migrated in memory if older; undefined when nothing was recorded yet. */
  async read(): Promise<LabState | undefined> {
    const state = (await this.load())?.loaded.state;
    if (state) this.assertOwnLab(state);
    return state;
  }

  /** Another lab's state file is refused on reading as on writing: its progress is not this lab's. */
  private assertOwnLab(state: LabState): void {
    if (state.lab.name === this.lab.name) return;
    throw new UsageError(`the state file ${this.file} belongs to lab ${quoted(state.lab.name)}, not "${this.lab.name}"`, {
      where: this.file,
      fix: `move ${this.paths.dir} aside, or use the lab file it was made with (${quoted(state.lab.file)})`,
    });
  }

  async readOrEmpty(): Promise<LabState> {
    return (await this.read()) ?? emptyState(this.lab);
  }

  /** Whether the lab file changed since the state was last written (different bytes, or another file). */
  labFileChanged(state: LabState): boolean {
    return state.lab.file !== this.lab.file || state.lab.sha256 !== this.lab.sha256;
  }

  /**
   * Read-modify-write under the lock. The mutator gets a copy to change (or replace); what it leaves
   * is checked for secrets and validated before it is written, so a bad update writes nothing.
   */
  async update(mutator: Mutator, options: UpdateOptions = {}): Promise<LabState> {
    await this.ensureDir();
    return withStateLock(
      this.paths.dir,
      async () => {
        await this.removeDebris();
        const current = await this.load();
        const base = current?.loaded.state ?? emptyState(this.lab);
        this.assertOwnLab(base);
        const draft = structuredClone(base);
        draft.lab = { ...this.lab };
        const next = (await mutator(draft)) ?? draft;
        next.updatedAt = new Date().toISOString();
        assertNoSecrets(next, this.file);
        const checked = labStateSchema.safeParse(next);
        if (!checked.success) {
          const issue = checked.error.issues[0];
          throw new UsageError(`refusing to write an invalid state: ${issue?.path.map(String).join('.') ?? ''}: ${issue?.message ?? 'invalid'}`, {
            where: this.file,
            fix: 'this is a bug in what recorded the state; the file on disk was left as it was',
          });
        }
        if (current?.loaded.migratedFrom !== undefined) await this.keepOldVersion(current.bytes, current.loaded.migratedFrom);
        await writeFileAtomic(this.file, JSON.stringify(checked.data, null, 2) + '\n', { mode: stateFileMode });
        return checked.data;
      },
      { wait: options.wait ?? this.lockWait, command: this.command },
    );
  }

  private async load(): Promise<{ bytes: Buffer; loaded: LoadedState } | undefined> {
    const bytes = await readStateBytes(this.file);
    return bytes === undefined ? undefined : { bytes, loaded: parseStateText(bytes.toString('utf8'), this.file) };
  }

  /** Before the first write in the new format, the old file is kept next to it, once. */
  private async keepOldVersion(bytes: Buffer, version: number): Promise<void> {
    const backup = `${this.file}.v${version}.bak`;
    const exists = await access(backup).then(
      () => true,
      () => false,
    );
    if (!exists) await writeFileAtomic(backup, bytes, { mode: stateFileMode });
  }

  /** Temp files of a writer killed mid-write. Only the lock holder writes, so under the lock any is debris. */
  private async removeDebris(): Promise<void> {
    for (const name of await readdir(this.paths.dir)) {
      if (isTempFileOf(this.file, name)) await unlink(join(this.paths.dir, name)).catch(() => undefined);
    }
  }
}
