import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/engine/events.js';
import type { Generators } from '../../../src/engine/generators.js';
import { localExecutor } from '../../../src/engine/local-executor.js';
import { runPlan, type StepRecord } from '../../../src/engine/run-plan.js';
import type { Lab } from '../../../src/lab/types.js';
import type { Plan } from '../../../src/plan/types.js';
import { sh } from '../../../src/ssh/shell-quote.js';

// The engine against real bash and real files on this machine (host `local`).
let root: string;
let labDir: string;
const events: EngineEvent[] = [];
const records: StepRecord[] = [];
const generated: string[][] = [];
const generators: Generators = {
  pki: (items) => {
    generated.push(items);
    return Promise.resolve(true);
  },
  'encryption-key': () => Promise.resolve(false),
  'ssh-key': () => Promise.resolve(false),
};

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'kthw-engine-'));
  labDir = join(root, 'lab');
  await mkdir(join(labDir, 'pki'), { recursive: true });
  events.length = 0;
  records.length = 0;
  generated.length = 0;
});

afterEach(() => rm(root, { recursive: true, force: true }));

const run = (plan: Plan, fromStep?: string) =>
  runPlan(plan, {
    lab: {} as Lab,
    labDir,
    executor: localExecutor,
    generators,
    emit: (e) => events.push(e),
    record: (r) => {
      records.push(r);
      return Promise.resolve();
    },
    fromStep,
  });

function filePlan(content: string): Plan {
  return {
    chapter: 'chapter-x',
    checks: [],
    steps: [
      {
        id: 'place-config',
        title: 'Place a config',
        why: 'test',
        host: 'local',
        actions: [
          { kind: 'file', path: join(root, 'etc/app/app.conf'), mode: '0640', content },
          { kind: 'command', run: sh`echo configured > ${join(root, 'marker')}`, unless: sh`test -f ${join(root, 'marker')}` },
        ],
      },
    ],
  };
}

describe('runPlan', () => {
  it('places files with their mode, then changes nothing on a second run', async () => {
    const first = await run(filePlan('a = 1\n'));
    expect(first).toMatchObject({ ok: true, changed: 2 });
    expect(await readFile(join(root, 'etc/app/app.conf'), 'utf8')).toBe('a = 1\n');
    expect((await stat(join(root, 'etc/app/app.conf'))).mode & 0o777).toBe(0o640);
    const second = await run(filePlan('a = 1\n'));
    expect(second).toMatchObject({ ok: true, changed: 0 });
  });

  it('rewrites a file whose content or mode drifted', async () => {
    await run(filePlan('a = 1\n'));
    await run(filePlan('a = 2\n')).then((r) => expect(r.changed).toBe(1));
    await import('node:fs/promises').then((fs) => fs.chmod(join(root, 'etc/app/app.conf'), 0o666));
    await run(filePlan('a = 2\n')).then((r) => expect(r.changed).toBe(1));
    expect((await stat(join(root, 'etc/app/app.conf'))).mode & 0o777).toBe(0o640);
  });

  it('stops at the first failing step, names it, records it, and resumes from it', async () => {
    const plan: Plan = {
      chapter: 'chapter-x',
      checks: [],
      steps: [
        { id: 'one', title: 'one', why: '', host: 'local', actions: [{ kind: 'command', run: sh`touch ${join(root, 'one')}` }] },
        { id: 'two', title: 'two', why: '', host: 'local', actions: [{ kind: 'command', run: 'echo broken pipe >&2; exit 3' }] },
        { id: 'three', title: 'three', why: '', host: 'local', actions: [{ kind: 'command', run: sh`touch ${join(root, 'three')}` }] },
      ],
    };
    const result = await run(plan);
    expect(result.ok).toBe(false);
    expect(result.failure?.message).toContain('exited 3');
    expect(result.failure?.message).toContain('broken pipe');
    expect(result.failure?.where).toBe('step two on local');
    expect(records.map((r) => [r.step, r.status])).toEqual([
      ['one', 'done'],
      ['two', 'failed'],
    ]);
    await expect(stat(join(root, 'three'))).rejects.toThrow();

    plan.steps[1]!.actions = [{ kind: 'command', run: 'true' }];
    records.length = 0;
    const resumed = await run(plan, 'two');
    expect(resumed.ok).toBe(true);
    expect(records.map((r) => r.step)).toEqual(['two', 'three']);
  });

  it('streams command output as events', async () => {
    await run({
      chapter: 'c',
      checks: [],
      steps: [{ id: 's', title: 's', why: '', host: 'local', actions: [{ kind: 'command', run: 'echo out; echo err >&2' }] }],
    });
    const output = events.filter((e) => e.type === 'output');
    expect(output).toContainEqual(expect.objectContaining({ stream: 'stdout', text: 'out\n' }));
    expect(output).toContainEqual(expect.objectContaining({ stream: 'stderr', text: 'err\n' }));
  });

  it('places secret files from the lab directory and fails clearly when one is missing', async () => {
    await writeFile(join(labDir, 'pki/admin.key'), 'KEY', { mode: 0o600 });
    const plan = (secret: string): Plan => ({
      chapter: 'c',
      checks: [],
      steps: [{ id: 's', title: 's', why: '', host: 'local', actions: [{ kind: 'secret-file', secret, path: join(root, 'admin.key'), mode: '0600' }] }],
    });
    expect(await run(plan('pki/admin.key'))).toMatchObject({ ok: true, changed: 1 });
    expect((await stat(join(root, 'admin.key'))).mode & 0o777).toBe(0o600);
    const missing = await run(plan('pki/nope.key'));
    expect(missing.failure?.message).toContain('pki/nope.key is missing from the lab directory');
  });

  it('hands generate actions to the named generator', async () => {
    await run({
      chapter: 'c',
      checks: [],
      steps: [{ id: 'g', title: 'g', why: '', host: 'local', actions: [{ kind: 'generate', generator: 'pki', items: ['ca', 'admin'] }] }],
    });
    expect(generated).toEqual([['ca', 'admin']]);
  });

  it('keeps hostile paths inside one shell word', async () => {
    const hostile = join(root, "it's; $(touch pwned) `x`");
    const result = await run({
      chapter: 'c',
      checks: [],
      steps: [{ id: 's', title: 's', why: '', host: 'local', actions: [{ kind: 'file', path: hostile, mode: '0644', content: 'safe' }] }],
    });
    expect(result.ok).toBe(true);
    expect(await readFile(hostile, 'utf8')).toBe('safe');
    await expect(stat(join(process.cwd(), 'pwned'))).rejects.toThrow();
  });

  it('copies a local file to the host, verifying a pinned sha256', async () => {
    const source = join(root, 'mirror-kubectl');
    await writeFile(source, 'binary');
    const sha = createHash('sha256').update('binary').digest('hex');
    const plan = (pin: string): Plan => ({
      chapter: 'c',
      checks: [],
      steps: [
        { id: 's', title: 's', why: '', host: 'local', actions: [{ kind: 'copy', from: source, path: join(root, 'bin/kubectl'), mode: '0755', sha256: pin }] },
      ],
    });
    expect(await run(plan(sha))).toMatchObject({ ok: true, changed: 1 });
    expect((await stat(join(root, 'bin/kubectl'))).mode & 0o777).toBe(0o755);
    expect(await run(plan(sha))).toMatchObject({ ok: true, changed: 0 });
    const bad = await run(plan('0'.repeat(64)));
    expect(bad.failure?.message).toContain(`has sha256 ${sha}, but the lab file pins ${'0'.repeat(64)}`);
  });

  it('a read-only command runs every time and never counts as a change', async () => {
    const plan: Plan = {
      chapter: 'c',
      checks: [],
      steps: [{ id: 's', title: 's', why: '', host: 'local', actions: [{ kind: 'command', run: 'echo looking', readOnly: true }] }],
    };
    expect(await run(plan)).toMatchObject({ ok: true, changed: 0 });
    expect(events).toContainEqual(expect.objectContaining({ type: 'output', text: 'looking\n' }));
  });
});
