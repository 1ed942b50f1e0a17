/**
 * Composes a real TutorSession from the pieces: the lab file, the lab's state file, an SSH pool
 * (the local lab's pinned known_hosts and key when they exist, the user's otherwise) and the
 * chapter registry. `run`, `verify`, `learn` and replay all go through here.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chapters, findChapter } from '../../chapters/index.js';
import type { CheckResult } from '../../checks/types.js';
import type { Generators } from '../engine/generators.js';
import type { HostExecutor } from '../engine/executor.js';
import { localExecutor } from '../engine/local-executor.js';
import { runPlan, type StepRecord } from '../engine/run-plan.js';
import type { ChapterProgress, RunOptions, TutorSession } from '../engine/session.js';
import { builtinLabPath, loadLab } from '../lab/load.js';
import type { Lab } from '../lab/types.js';
import type { ChapterModule } from '../plan/chapter.js';
import type { Plan } from '../plan/types.js';
import type { SshPool } from '../ssh/index.js';
import { StateStore, forgetChapter, recordChecks, recordStep, setChapterParams, sha256File, sha256Text, type LabState } from '../state/index.js';
import { UsageError } from '../util/errors.js';
import { packageRoot } from '../util/package-root.js';
import type { GlobalOptions } from './global-options.js';

export interface CliSession extends TutorSession {
  store: StateStore;
  labFile: string;
  /** The lab directory (state, PKI, SSH keys): the tutor builds a chapter's Ansible role with it. */
  labDir: string;
  /** Chapters that apply to this lab's track. */
  chapters: readonly ChapterModule[];
  chapter(key: string): ChapterModule;
  /** Record parameters a chapter's plan reads (e.g. `mirror`); kept in the state file. */
  setParams(chapterId: string, params: Record<string, string>): Promise<void>;
}

export async function openSession(options: Pick<GlobalOptions, 'lab'>, command = 'kthw'): Promise<CliSession> {
  const labFile = options.lab ?? builtinLabPath('classic');
  const lab = await loadLab(labFile);
  const store = await StateStore.open({ labName: lab.name, labFile, command });
  // ssh2 and the PKI code load on first use: listing chapters or progress needs neither.
  let pool: Promise<SshPool> | undefined;
  const connect = () =>
    (pool ??= import('../ssh/index.js').then(({ SshPool, sshHostsFromLab }) => new SshPool({ hosts: sshHostsFromLab(lab, localLabSsh(store.paths.ssh)) })));
  const executor = routeExecutor(connect, store.paths.dir);
  const applicable = chapters.filter((c) => c.meta.tracks.includes(lab.track));

  const chapter = (key: string): ChapterModule => {
    const found = findChapter(key);
    if (!applicable.includes(found)) {
      throw new UsageError(`${found.meta.id} does not apply to the ${lab.track} track of lab ${lab.name}`, { fix: `choose one of: ${applicable.map((c) => c.meta.id).join(', ')}` });
    }
    return found;
  };
  const planOf = async (key: string): Promise<Plan> => {
    const module = chapter(key);
    const state = await store.read();
    return module.plan(lab, stringParams(state, module.meta.id));
  };

  const session: CliSession = {
    lab,
    store,
    labFile,
    labDir: store.paths.dir,
    chapters: applicable,
    chapter,
    setParams: async (chapterId, params) => void (await store.update((state) => setChapterParams(state, chapter(chapterId).meta.id, params))),
    plan: planOf,
    lesson: (key) => readFile(join(lessonDir(), chapter(key).meta.slug, 'lesson.md'), 'utf8'),
    async progress() {
      const state = await store.read();
      return applicable.map((module) => progressOf(module, module.plan(lab, stringParams(state, module.meta.id)), state));
    },
    async run(key: string, runOptions: RunOptions = {}) {
      const plan = await planOf(key);
      if (runOptions.fromStep === undefined && runOptions.onlyStep === undefined) await snapshotChapterStart(lab, plan.chapter);
      const steps = runOptions.onlyStep ? { ...plan, steps: plan.steps.filter((s) => s.id === runOptions.onlyStep) } : plan;
      if (runOptions.onlyStep && steps.steps.length === 0) throw new UsageError(`${plan.chapter} has no step ${runOptions.onlyStep}`, { fix: `use one of: ${plan.steps.map((s) => s.id).join(', ')}` });
      return runPlan(steps, {
        lab,
        labDir: store.paths.dir,
        executor,
        generators: lazyGenerators,
        emit: runOptions.emit ?? (() => undefined),
        signal: runOptions.signal,
        fromStep: runOptions.fromStep,
        record: async (record) => {
          const artifacts = await artifactsOf(plan, record, store.paths.dir);
          await store.update((state) => recordStep(state, plan.chapter, record.step, { status: record.status, changed: record.changed > 0, artifacts, message: record.message }));
        },
      });
    },
    async verify(key: string) {
      const plan = await planOf(key);
      // Loaded here, not with the session: the check kinds bring node-forge, which listing chapters does not need.
      const { runChecks } = await import('../checks-runner/index.js');
      const results = await runChecks(plan.checks, executor);
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
      const { labReset, listSnapshots } = await import('../../lab/local/index.js');
      const { readRecord } = await import('../../lab/local/runtime-record.js');
      const record = readRecord(lab.name);
      if (!record) throw new UsageError(`lab ${lab.name} is not running on this machine`, { fix: 'reset works on the local lab: start it with kthw lab up' });
      const target = chapter(toChapter).meta.id;
      if (!listSnapshots(record.stateDir).includes(target)) {
        throw new UsageError(`there is no snapshot of lab ${lab.name} from the start of ${target}`, { fix: `kthw takes one when ${target} first runs; run it once, or reset to the bare image with kthw lab reset ${host}` });
      }
      await pool?.then((p) => p.close());
      pool = undefined;
      await labReset(lab, host, { to: target });
      // What those machines held from this chapter on is gone: so is its progress.
      const later = applicable.filter((c) => c.meta.number >= chapter(target).meta.number).map((c) => c.meta.id);
      await store.update((state) => later.forEach((id) => forgetChapter(state, id)));
    },
    sshHint: (host) => (existsSync(join(store.paths.ssh, 'ssh_config')) ? `kthw lab ssh ${host}` : sshLine(lab, host)),
    close: async () => (pool ? (await pool).close() : undefined),
  };
  return session;
}

/**
 * On the local lab, the machines' disks as they were when a chapter first starts, so
 * `kthw lab reset HOST --to chapter-N` (and the tutor's reset) can come back to that point.
 */
async function snapshotChapterStart(lab: Lab, chapterId: string): Promise<void> {
  const { readRecord } = await import('../../lab/local/runtime-record.js');
  const record = readRecord(lab.name);
  if (!record) return;
  const { labSnapshot, listSnapshots } = await import('../../lab/local/index.js');
  if (!listSnapshots(record.stateDir).includes(chapterId)) await labSnapshot(lab, chapterId);
}

/** The local lab's pinned known_hosts and key, when `kthw lab up` made them. */
function localLabSsh(sshDir: string) {
  const knownHosts = join(sshDir, 'known_hosts');
  const key = join(sshDir, 'id_ed25519');
  return existsSync(knownHosts) && existsSync(key) ? { knownHosts: [knownHosts], defaultIdentity: key } : {};
}

/**
 * Lab hosts over SSH; host `local` on this machine, in the lab directory with KTHW_LAB_DIR naming it
 * (chapters keep their files for this machine there; verify.yml's local play gets the same variable).
 */
function routeExecutor(pool: () => Promise<SshPool>, labDir: string): HostExecutor {
  return {
    exec: async (host, command, options) => (host === 'local' ? localExecutor.exec(host, command, { cwd: labDir, env: { KTHW_LAB_DIR: labDir }, ...options }) : (await pool()).exec(host, command, options)),
    upload: async (host, path, content, options) => (host === 'local' ? localExecutor.upload(host, path, content, options) : (await pool()).upload(host, path, content, options)),
  };
}

const loadGenerators = () => import('../engine/builtin-generators.js').then((m) => m.builtinGenerators);
const lazyGenerators: Generators = {
  pki: async (items, context) => (await loadGenerators()).pki(items, context),
  'ssh-key': async (items, context) => (await loadGenerators())['ssh-key'](items, context),
  'encryption-key': async (items, context) => (await loadGenerators())['encryption-key'](items, context),
};

function sshLine(lab: Lab, name: string): string {
  const host = lab.hosts.find((h) => h.name === name);
  if (!host) return `ssh ${name}`;
  const address = host.addresses.ipv6 && lab.track === 'ipv6-ha' ? host.addresses.ipv6 : (host.addresses.ipv4 ?? host.addresses.ipv6);
  return `ssh ${host.ssh.port === 22 ? '' : `-p ${host.ssh.port} `}${host.ssh.user}@${address}`;
}

function stringParams(state: LabState | undefined, chapterId: string): Record<string, string> {
  const params = state?.chapters[chapterId]?.params ?? {};
  return Object.fromEntries(Object.entries(params).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

const lessonDir = () => join(packageRoot(import.meta.url), 'chapters');

/** Fingerprints of what a finished step placed: rendered files by content, lab-directory files by bytes. */
async function artifactsOf(plan: Plan, record: StepRecord, labDir: string): Promise<Record<string, string>> {
  if (record.status !== 'done') return {};
  const step = plan.steps.find((s) => s.id === record.step);
  const artifacts: Record<string, string> = {};
  for (const action of step?.actions ?? []) {
    if (action.kind === 'file') artifacts[`${step!.host}:${action.path}`] = sha256Text(action.content);
    if (action.kind === 'secret-file') artifacts[`${step!.host}:${action.path}`] = await sha256File(join(labDir, action.secret)).catch(() => '0'.repeat(64));
  }
  return artifacts;
}

export function progressOf(module: ChapterModule, plan: Plan, state: LabState | undefined): ChapterProgress {
  const record = state?.chapters[module.meta.id];
  const done = plan.steps.filter((s) => record?.steps[s.id]?.status === 'done').length;
  const failed = plan.steps.some((s) => record?.steps[s.id]?.status === 'failed');
  const checks = record?.checks ?? [];
  const checksFailed = checks.filter((c) => !c.ok).length;
  const status: ChapterProgress['status'] = failed
    ? 'failed'
    : done === plan.steps.length && (done > 0 || checks.length > 0)
      ? checksFailed > 0
        ? 'checks-failed'
        : 'done'
      : done > 0
        ? 'in-progress'
        : 'not-started';
  const next = plan.steps.find((s) => record?.steps[s.id]?.status !== 'done');
  return {
    meta: module.meta,
    status,
    stepsDone: done,
    stepsTotal: plan.steps.length,
    ...(next ? { nextStep: next.id } : {}),
    ...(checks.length > 0 ? { lastChecks: { at: checks[0]!.at, passed: checks.length - checksFailed, failed: checksFailed } } : {}),
  };
}

export type { CheckResult };
