/**
 * The application core: a session on one lab, composed from the lab file, the lab's state file, an
 * SSH pool (the local lab's pinned known_hosts and key when they exist, the user's otherwise) and
 * the chapter registry. The CLI's commands, the tutor, replay and the Ansible export are its clients.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chapters, findChapter } from '../../chapters/index.js';
import type { ChapterAutomation } from '../automation/ansible/chapter-automation.js';
import type * as chapterAutomationModule from '../automation/ansible/chapter-automation.js';
import type { ExecOptions, HostExecutor } from '../engine/executor.js';
import { localExecutor } from '../engine/local-executor.js';
import { runPlan } from '../engine/run-plan.js';
import type { RunOptions, TutorSession } from '../engine/session.js';
import { findLabFile } from '../lab/find-lab-file.js';
import { loadLab } from '../lab/load.js';
import type { LocalLab } from '../lab/local-lab.js';
import { primaryAddress, type Lab } from '../lab/types.js';
import type { ChapterModule } from '../plan/chapter.js';
import type { Plan } from '../plan/types.js';
import type { SshPool } from '../ssh/index.js';
import { StateStore, forgetChapter, recordChecks, recordStep, setChapterParams, type LabState } from '../state/index.js';
import { UsageError } from '../util/errors.js';
import { packageRoot } from '../util/package-root.js';
import { assertNoHostIsThisMachine } from './this-machine.js';
import { artifactsOf } from './artifacts.js';
import { generatorRegistry } from './generators.js';
import { checkDirectoryName, labSource, pinLabFile } from './lab-source.js';
import { progressOf } from './progress.js';
import { recordedPlan } from './recorded-params.js';
import { labDirPath } from '../state/lab-files.js';

export interface LabSession extends TutorSession {
  store: StateStore;
  labFile: string;
  /** The lab directory (state, PKI, SSH keys): the tutor builds a chapter's Ansible role with it. */
  labDir: string;
  /** Chapters that apply to this lab's track. */
  chapters: readonly ChapterModule[];
  chapter(key: string): ChapterModule;
  /** A chapter's plan with the parameters `state` records for it, over the ones this lab gives every chapter. */
  planFrom(module: ChapterModule, state: LabState | undefined): Promise<Plan>;
  /** Record parameters a chapter's plan reads (e.g. `mirror`); kept in the state file. */
  setParams(chapterId: string, params: Record<string, string>): Promise<void>;
  /** The Ansible role a chapter's plan becomes (the tutor's closing page, `kthw export ansible --chapter N --print`). */
  automation(chapter: { meta: ChapterModule['meta']; plan: Plan }): Promise<ChapterAutomation>;
  preloadAutomation(): Promise<unknown>;
}

export interface SessionOptions {
  /** The lab file, or a lab directory (its pinned lab.yaml); the built-in classic lab when absent. */
  lab?: string;
  /** The lab's machines on this host, for snapshots and resets (the local lab by default). */
  localLab?: () => Promise<LocalLab>;
  /** The course's chapters (chapters/index.ts by default; a test may bring its own). */
  chapters?: readonly ChapterModule[];
}

export interface OpenOptions {
  /**
   * The command only reads (chapters, status, verify until it records results): the lab directory is
   * created when something is first written, not on opening, and the lab file is pinned only then.
   */
  readOnly?: boolean;
}

const defaultLocalLab = () => import('../../lab/local/driver.js').then((m) => m.localLab);

let loadingAutomation: Promise<typeof chapterAutomationModule> | undefined;

/** The role builder, loaded on first use (the tutor asks for it early, once its first screen is up). */
export const loadChapterAutomation = () => (loadingAutomation ??= import('../automation/ansible/chapter-automation.js'));

export async function openSession(options: SessionOptions, command = 'kthw', { readOnly = false }: OpenOptions = {}): Promise<LabSession> {
  const local = options.localLab ?? defaultLocalLab;
  const source = await labSource(findLabFile(options.lab));
  const { labFile } = source;
  const lab = await loadLab(labFile);
  checkDirectoryName(source, lab.name);
  const store = await StateStore.open({ labName: lab.name, labFile, command, create: !readOnly, ...(source.root === undefined ? {} : { root: source.root }) });
  if (!readOnly) await pinLabFile(store.paths.dir, labFile);
  // ssh2 and the PKI code load on first use: listing chapters or progress needs neither.
  let pool: Promise<SshPool> | undefined;
  const connect = () =>
    (pool ??= Promise.resolve()
      .then(() => assertNoHostIsThisMachine(lab))
      .then(() => import('../ssh/index.js'))
      .then(({ SshPool, sshHostsFromLab }) => new SshPool({ hosts: sshHostsFromLab(lab, localLabSsh(store.paths.dir)) })));
  const executor = routeExecutor(connect, store.paths.dir);
  const course = options.chapters ?? chapters;
  const applicable = course.filter((c) => c.meta.tracks.includes(lab.track));
  const generators = generatorRegistry(applicable);

  const chapter = (key: string): ChapterModule => {
    const found = findChapter(key, course);
    if (!applicable.includes(found)) {
      throw new UsageError(`${found.meta.id} does not apply to the ${lab.track} track of lab ${lab.name}`, {
        fix: `choose one of: ${applicable.map((c) => c.meta.id).join(', ')}`,
      });
    }
    return found;
  };
  let defaults: Promise<Record<string, string>> | undefined;
  const planFrom = async (module: ChapterModule, state: LabState | undefined): Promise<Plan> =>
    recordedPlan(module, lab, state, { stateFile: store.file, defaults: await (defaults ??= local().then((l) => l.params(lab))) });
  const planOf = async (key: string): Promise<Plan> => {
    const module = chapter(key);
    return planFrom(module, await store.read());
  };

  const session: LabSession = {
    lab,
    store,
    labFile,
    planFrom,
    labDir: store.paths.dir,
    chapters: applicable,
    chapter,
    setParams: async (chapterId, params) => void (await store.update((state) => setChapterParams(state, chapter(chapterId).meta.id, params))),
    plan: planOf,
    lesson: (key) => readFile(join(lessonDir(), chapter(key).meta.slug, 'lesson.md'), 'utf8'),
    async progress() {
      const state = await store.read();
      return Promise.all(applicable.map(async (module) => progressOf(module, await planFrom(module, state), state)));
    },
    async run(key: string, runOptions: RunOptions = {}) {
      assertNoHostIsThisMachine(lab);
      const plan = await planOf(key);
      await store.ensureDir();
      if (runOptions.fromStep === undefined && runOptions.onlyStep === undefined) await snapshotChapterStart(await local(), lab, plan.chapter);
      const steps = runOptions.onlyStep ? { ...plan, steps: plan.steps.filter((s) => s.id === runOptions.onlyStep) } : plan;
      if (runOptions.onlyStep && steps.steps.length === 0)
        throw new UsageError(`${plan.chapter} has no step ${runOptions.onlyStep}`, { fix: `use one of: ${plan.steps.map((s) => s.id).join(', ')}` });
      return runPlan(steps, {
        lab,
        labDir: store.paths.dir,
        executor,
        generators,
        emit: runOptions.emit ?? (() => undefined),
        signal: runOptions.signal,
        fromStep: runOptions.fromStep,
        record: async (record) => {
          const artifacts = await artifactsOf(plan, record, store.paths.dir);
          await store.update((state) =>
            recordStep(state, plan.chapter, record.step, { status: record.status, changed: record.changed > 0, artifacts, message: record.message }),
          );
        },
      });
    },
    async verify(key: string) {
      assertNoHostIsThisMachine(lab);
      const plan = await planOf(key);
      // Loaded here, not with the session: the check kinds bring node-forge, which listing chapters does not need.
      const { runChecks } = await import('../checks-runner/index.js');
      const results = await runChecks(plan.checks, executor);
      // No host answered: nothing was learnt about the lab, so nothing is recorded as failed.
      const remote = results.filter((r) => r.host !== 'local');
      if (remote.length > 0 && remote.every((r) => r.unreachable)) return results;
      await store.update((state) =>
        recordChecks(
          state,
          plan.chapter,
          results.map((r) => ({ id: r.id, host: r.host, ok: r.ok, message: r.observed, ...(r.diagnosis ? { diagnosis: r.diagnosis } : {}) })),
        ),
      );
      return results;
    },
    async resetHost(host: string, toChapter: string) {
      const machines = await local();
      if (!machines.isRunning(lab))
        throw new UsageError(`lab ${lab.name} is not running on this machine`, { fix: 'reset works on the local lab: start it with kthw lab up' });
      const target = chapter(toChapter).meta.id;
      if (!(await machines.snapshots(lab)).includes(target)) {
        throw new UsageError(`there is no snapshot of lab ${lab.name} from the start of ${target}`, {
          fix: `kthw takes one when ${target} first runs; run it once, or reset to the bare image with kthw lab reset ${host}`,
        });
      }
      await pool?.then((p) => p.close());
      pool = undefined;
      await machines.reset(lab, host, target);
      // What those machines held from this chapter on is gone: so is its progress.
      const later = applicable.filter((c) => c.meta.number >= chapter(target).meta.number).map((c) => c.meta.id);
      await store.update((state) => later.forEach((id) => forgetChapter(state, id)));
    },
    preloadAutomation: loadChapterAutomation,
    automation: async (chapter) => (await loadChapterAutomation()).chapterAutomation(lab, store.paths.dir, chapter),
    sshHint: (host) => (existsSync(labDirPath(store.paths.dir, 'sshConfig')) ? `kthw lab ssh ${host}` : sshLine(lab, host)),
    close: async () => (pool ? (await pool.catch(() => undefined))?.close() : undefined),
  };
  return session;
}

/**
 * On the local lab, the machines' disks as they were when a chapter first starts, so
 * `kthw lab reset HOST --to chapter-N` (and the tutor's reset) can come back to that point.
 */
async function snapshotChapterStart(machines: LocalLab, lab: Lab, chapterId: string): Promise<void> {
  if (!machines.isRunning(lab)) return;
  if (!(await machines.snapshots(lab)).includes(chapterId)) await machines.snapshot(lab, chapterId);
}

/** The local lab's pinned known_hosts and key, when `kthw lab up` made them. */
function localLabSsh(labDir: string) {
  const knownHosts = labDirPath(labDir, 'knownHosts');
  const key = labDirPath(labDir, 'sshKey');
  return existsSync(knownHosts) && existsSync(key) ? { knownHosts: [knownHosts], defaultIdentity: key } : {};
}

/**
 * Lab hosts over SSH; host `local` on this machine, in the lab directory with KTHW_LAB_DIR naming it
 * (chapters keep their files for this machine there; verify.yml's local play gets the same variable).
 * A lab directory not made yet (a read-only session) leaves the working directory as it is.
 */
function routeExecutor(pool: () => Promise<SshPool>, labDir: string): HostExecutor {
  const local = (): ExecOptions => ({ ...(existsSync(labDir) ? { cwd: labDir } : {}), env: { KTHW_LAB_DIR: labDir } });
  return {
    exec: async (host, command, options) =>
      host === 'local' ? localExecutor.exec(host, command, { ...local(), ...options }) : (await pool()).exec(host, command, options),
    upload: async (host, path, content, options) =>
      host === 'local' ? localExecutor.upload(host, path, content, options) : (await pool()).upload(host, path, content, options),
  };
}

function sshLine(lab: Lab, name: string): string {
  const host = lab.hosts.find((h) => h.name === name);
  if (!host) return `ssh ${name}`;
  const address = primaryAddress(lab, host);
  return `ssh ${host.ssh.port === 22 ? '' : `-p ${host.ssh.port} `}${host.ssh.user}@${address}`;
}

const lessonDir = () => join(packageRoot(import.meta.url), 'chapters');
