import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chapters } from '../../../chapters/index.js';
import { replay } from '../../../src/app/replay.js';
import { openSession, type LabSession } from '../../../src/app/session.js';
import { writeAnsibleProject } from '../../../src/automation/ansible/write-project.js';
import { automationPage } from '../../../src/tui/automation-page.js';
import { stampChapter } from '../../fixtures/chapters/90-stamp/index.js';
import { labVariant } from '../../support/lab-variant.js';
import { noMachines } from '../../support/no-machines.js';

// A chapter folder outside chapters/ (test/fixtures/chapters/90-stamp), with a generator of its own
// and a check, goes through the application core as the CLI and the tutor use it: run, verify,
// replay, the Ansible export and the lesson's closing page. No file under src/ names it.

let root: string;
let session: LabSession;
let labDir: string;
let workDir: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'kthw-plugin-'));
  process.env.KTHW_HOME = join(root, 'home');
  const labFile = labVariant(root, 'classic', 'plugin', []);
  labDir = join(root, 'home', 'plugin');
  workDir = join(root, 'work');
  session = await openSession({ lab: labFile, localLab: () => Promise.resolve(noMachines), chapters: [...chapters, stampChapter(labDir, workDir)] });
});

afterAll(async () => {
  await session?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('a chapter that only its own folder knows', () => {
  it('is named by no file under src/', () => {
    const src = join(import.meta.dirname, '../../../src');
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => /\.tsx?$/.test(f));
    expect(files.length).toBeGreaterThan(100);
    expect(files.filter((f) => /90-stamp|stampChapter|'stamp'/.test(readFileSync(join(src, f), 'utf8')))).toEqual([]);
  });

  it('is a chapter of the session, with its progress', async () => {
    expect(session.chapter('90').meta.slug).toBe('90-stamp');
    expect((await session.progress()).find((p) => p.meta.id === 'chapter-90')?.status).toBe('not-started');
  });

  it('runs with its own generator, with the parameters the state file records, and its check passes', async () => {
    await session.setParams('chapter-90', { word: 'recorded' });
    const run = await session.run('chapter-90');
    expect(run.ok).toBe(true);
    expect(readFileSync(join(workDir, 'stamp.txt'), 'utf8')).toBe('stamped recorded\n');
    const results = await session.verify('chapter-90');
    expect(results.map((r) => [r.id, r.ok])).toEqual([['stamp-copied', true]]);
    expect((await session.progress()).find((p) => p.meta.id === 'chapter-90')?.status).toBe('done');
  });

  it('fails its check when what it made is gone', async () => {
    rmSync(join(workDir, 'stamp.txt'));
    const results = await session.verify('chapter-90');
    expect(results.map((r) => [r.id, r.ok])).toEqual([['stamp-copied', false]]);
  });

  it('replays: the copy is made again; a second replay changes nothing', async () => {
    const first = await replay(session, session, { from: '90' });
    expect(first.ok).toBe(true);
    expect(first.chapters.map((c) => c.chapter)).toEqual(['chapter-90']);
    expect(existsSync(join(workDir, 'stamp.txt'))).toBe(true);
    const second = await replay(session, session, { from: '90' });
    expect(second.chapters.find((c) => c.chapter === 'chapter-90')?.steps.find((s) => s.step === 'copy-stamp')?.changed).toBe(0);
  });

  it('is exported as an Ansible role and shown as the closing page of its lesson', async () => {
    const module = session.chapter('chapter-90');
    const plan = await session.plan('chapter-90');
    const written = await writeAnsibleProject(session.lab, labDir, [{ meta: module.meta, plan }], join(root, 'export'));
    const role = written.project.roles.get('chapter-90')!.name;
    expect(existsSync(join(root, 'export', 'roles', role))).toBe(true);
    const page = automationPage(module.meta, await session.automation({ meta: module.meta, plan }), session.lab);
    expect(page).toContain(`**${role}**`);
    expect(page).toContain('make-stamp');
  });
});
