import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chapters } from '../../../chapters/index.js';
import { generatorRegistry } from '../../../src/app/generators.js';
import { localExecutor } from '../../../src/engine/local-executor.js';
import { runPlan } from '../../../src/engine/run-plan.js';
import { builtinLabPath, loadLab } from '../../../src/lab/load.js';
import type { ChapterModule } from '../../../src/plan/chapter.js';
import type { Generator } from '../../../src/plan/generator.js';
import { certificateMismatch } from '../../../src/pki/index.js';
import { certificateProfiles } from '../../../src/plan/certificates.js';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** A chapter outside chapters/ whose one step calls a generator of its own. */
const stamp: ChapterModule = {
  meta: { id: 'chapter-90', number: 90, slug: '90-stamp', title: 'A stamp', summary: 'Writes a stamp into the lab directory.', tracks: ['classic'] },
  generators: {
    stamp: () =>
      Promise.resolve<Generator>(async (items, { labDir }) => {
        await writeFile(join(labDir, 'stamp'), items.join(','));
        return true;
      }),
  },
  plan: () => ({
    chapter: 'chapter-90',
    steps: [{ id: 'stamp', title: 'Stamp', why: 'A test.', host: 'local', actions: [{ kind: 'generate', generator: 'stamp', items: ['a', 'b'] }] }],
    checks: [],
  }),
};

describe('generators are registered by chapters', () => {
  it("offers kthw's own and each chapter's: chapter 06 brings encryption-key", () => {
    expect(Object.keys(generatorRegistry(chapters)).sort()).toEqual(['encryption-key', 'pki', 'ssh-key']);
    expect(Object.keys(generatorRegistry(chapters.filter((c) => c.meta.number !== 6))).sort()).toEqual(['pki', 'ssh-key']);
  });

  it("runs a chapter's own generator, which no engine file names", async () => {
    const labDir = await mkdtemp(join(tmpdir(), 'kthw-gen-'));
    dirs.push(labDir);
    const lab = await loadLab(builtinLabPath('classic'));
    const result = await runPlan(stamp.plan(lab, {}), {
      lab,
      labDir,
      executor: localExecutor,
      generators: generatorRegistry([stamp]),
      emit: () => undefined,
      record: () => Promise.resolve(),
    });
    expect(result.ok).toBe(true);
    expect(await readFile(join(labDir, 'stamp'), 'utf8')).toBe('a,b');
  });

  it('refuses two owners of one name, and a plan naming a generator nobody registered fails its step with the known names', async () => {
    const twin: ChapterModule = { ...stamp, meta: { ...stamp.meta, id: 'chapter-91' }, generators: { pki: stamp.generators!.stamp! } };
    expect(() => generatorRegistry([twin])).toThrow('chapter-91 registers the generator "pki", which kthw already has');
    const labDir = await mkdtemp(join(tmpdir(), 'kthw-gen-'));
    dirs.push(labDir);
    const lab = await loadLab(builtinLabPath('classic'));
    const result = await runPlan(stamp.plan(lab, {}), {
      lab,
      labDir,
      executor: localExecutor,
      generators: generatorRegistry([]),
      emit: () => undefined,
      record: () => Promise.resolve(),
    });
    expect(result.ok).toBe(false);
    expect(result.failure?.message).toBe('no generator "stamp" is registered');
    expect(result.failure?.fix).toContain('known: pki, ssh-key');
  });
});

describe('certificates are declared by chapters', () => {
  const client = (id: string, tracks: ChapterModule['meta']['tracks']): ChapterModule => ({
    meta: { id: 'chapter-90', number: 90, slug: '90-stamp', title: 'A client', summary: 'Declares a certificate.', tracks },
    certificates: () => [
      {
        id,
        purpose: 'A test client.',
        subject: [{ name: 'CN', value: id }],
        sans: { dns: [], ip: [] },
        extKeyUsage: ['clientAuth'],
        isCA: false,
        destinations: [],
      },
    ],
    plan: () => ({ chapter: 'chapter-90', steps: [], checks: [] }),
  });

  it("collects a later chapter's after chapter 04's, only from chapters of the lab's track", async () => {
    const lab = await loadLab(builtinLabPath('classic'));
    const ids = (modules: readonly ChapterModule[]) => certificateProfiles(modules, lab).map((p) => p.id);
    expect(ids([...chapters, client('stamp-client', ['classic'])]).slice(-2)).toEqual(['service-accounts', 'stamp-client']);
    expect(ids([...chapters, client('stamp-client', ['ipv6-ha'])])).toEqual(ids(chapters));
  });

  it("makes it with kthw's pki generator, signed by chapter 04's CA", async () => {
    const labDir = await mkdtemp(join(tmpdir(), 'kthw-gen-'));
    dirs.push(labDir);
    const lab = await loadLab(builtinLabPath('classic'));
    const course = [...chapters, client('stamp-client', ['classic'])];
    expect(await generatorRegistry(course).pki!(['ca', 'stamp-client'], { lab, labDir })).toBe(true);
    const profile = certificateProfiles(course, lab).find((p) => p.id === 'stamp-client')!;
    const [cert, ca] = await Promise.all(['stamp-client', 'ca'].map((id) => readFile(join(labDir, 'pki', `${id}.crt`), 'utf8')));
    expect(certificateMismatch(profile, cert!, ca!)).toBeUndefined();
  });
});
