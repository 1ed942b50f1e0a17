import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalSession } from '../../test/fixtures/local-session.js';
import { keys, renderTutor } from '../../test/fixtures/tui-render.js';
import { unusual, writeUnusualLab } from '../../test/unit/automation/unusual-lab.js';
import { openSession } from '../app/session.js';
import { classicLab } from '../../test/fixtures/tui-labs.js';
import type { ChapterAutomation } from '../automation/ansible/chapter-automation.js';
import { AUTOMATION_TITLE, automationPage } from './automation-page.js';

// The lesson's closing page over the session `kthw learn` uses (the real lab loader, state file
// and chapter registry), on a lab whose host names and addresses no shipped lab has.
let dir: string;
let views: Array<{ unmount(): void }> = [];
const sessions: Array<{ close(): Promise<void> }> = [];
const savedHome = process.env.KTHW_HOME;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kthw-automation-page-'));
  views = [];
});
afterEach(async () => {
  views.forEach((v) => v.unmount());
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  process.env.KTHW_HOME = savedHome;
  await rm(dir, { recursive: true, force: true });
});

async function learn(home = join(dir, 'home')) {
  process.env.KTHW_HOME = home;
  const session = await openSession({ lab: writeUnusualLab(dir) }, 'kthw learn');
  sessions.push(session);
  const tutor = await renderTutor(session);
  views.push(tutor);
  return { session, tutor };
}

/** A frame's text with its rows joined, so a sentence the screen wrapped reads whole. */
const flat = (frame: string) => frame.replace(/\s*\n\s*/g, ' ');

/** Pages through the lesson from where it is, collecting every screen until its last line. */
async function readToTheEnd(tutor: Awaited<ReturnType<typeof learn>>['tutor']): Promise<string> {
  const seen = [tutor.frame()];
  for (let i = 0; i < 400 && !tutor.frame().includes(' · end ──'); i++) {
    const before = tutor.frame();
    await tutor.press(' ');
    await tutor.waitFor((f) => f !== before);
    seen.push(tutor.frame());
  }
  return seen.join('\n');
}

describe('the closing page of a lesson: what you did, as automation', () => {
  it('a from the chapter list opens the lesson at its closing page: the role, with the tasks of the learner’s own hosts and addresses', async () => {
    const { tutor } = await learn();
    await tutor.waitFor('› · 01');
    await tutor.press(keys.down, keys.down);
    await tutor.waitFor(/› · 03/);
    await tutor.press('a');
    const top = await tutor.waitFor(AUTOMATION_TITLE);
    expect(top).toContain('Compute resources · lesson');
    expect(top).not.toMatch(/lines 1–/); // scrolled past the lesson itself
    expect(top).toContain('compute_resources');
    const page = await readToTheEnd(tutor);
    expect(page).toContain(`${unusual.server} (${unusual.serverIpv4})`);
    expect(page).toContain('roles/compute_resources/tasks/main.yml');
    expect(page).toContain(`Step hostname-${unusual.server}: Name ${unusual.server}`);
    expect(page).toContain(`when: inventory_hostname == "${unusual.workers[0]}"`);
    expect(page).toContain(`${unusual.serverIpv4} ${unusual.server}.kubernetes.local`);
    expect(page).toContain('roles/compute_resources/templates/hosts.j2');
    expect(page).toContain('ansible-playbook verify.yml');
    expect(page).toContain('kthw export ansible --chapter chapter-3 --print');
    expect(page).not.toMatch(/\bnode-0\b|\bjumpbox\.kubernetes\.local\b/);
  });

  it('is the end of the lesson, and a from a step comes back to it; the handler of a chapter that restarts a unit is named', async () => {
    const { tutor } = await learn();
    await tutor.waitFor('› · 01');
    for (let i = 0; i < 6; i++) await tutor.press(keys.down);
    await tutor.waitFor(/› · 07 {2}Bootstrapping etcd/);
    await tutor.press(keys.enter);
    await tutor.waitFor(/Bootstrapping etcd · lesson[\s\S]*lines 1–/);
    const lesson = await readToTheEnd(tutor);
    expect(lesson).toContain(AUTOMATION_TITLE);
    expect(lesson).toContain('Restart etcd.service');
    expect(lesson).toContain(`etcd_member_name: ${unusual.server}`);
    await tutor.press(keys.enter);
    await tutor.waitFor('Step 1/');
    await tutor.press('a');
    const page = await tutor.waitFor((f) => f.includes('· lesson') && f.includes(AUTOMATION_TITLE));
    expect(page).not.toMatch(/lines 1–/);
  });

  it('the last step points at it', async () => {
    const { tutor } = await learn();
    await tutor.waitFor('› · 01');
    for (let i = 0; i < 6; i++) await tutor.press(keys.down);
    await tutor.press(keys.enter);
    await tutor.waitFor('Bootstrapping etcd · lesson');
    await tutor.press(keys.enter);
    for (let i = 0; i < 12; i++) await tutor.press('n');
    await tutor.waitFor('a to see it as automation');
  });

  it('shows the plan kthw run would apply: a mirror recorded by `kthw run chapter-2 --mirror` is in the lesson and the role', async () => {
    const mirror = join(dir, 'mirror');
    const { session, tutor } = await learn();
    await session.setParams('chapter-2', { mirror });
    await tutor.waitFor('› · 01');
    await tutor.press(keys.down, 'a');
    await tutor.waitFor(AUTOMATION_TITLE);
    const page = flat(await readToTheEnd(tutor));
    expect(page).toContain(`src: ${mirror}/kube-apiserver`);
    await tutor.press(keys.enter, 'n', 'n');
    const step = flat(await tutor.waitFor('Binaries in downloads/'));
    // the first binary the lab file lists is kubectl
    expect(step).toContain(`copy ${mirror}/kubectl`);
  });

  it('when the role cannot be built, the page says why in one line and the tutor goes on', async () => {
    // Ansible's ssh_args cannot carry a lab directory with a space in its path: the export refuses it.
    const { tutor } = await learn(join(dir, 'a home with spaces'));
    await tutor.waitFor('› · 01');
    await tutor.press(keys.down, keys.down, 'a');
    const frame = flat(await tutor.waitFor("kthw could not build this chapter's Ansible role"));
    expect(frame).toMatch(/could not build this chapter's Ansible role: the lab directory \S+\/a home with spaces\/\S+ contains a space, quote or %/);
    await tutor.press(keys.enter);
    await tutor.waitFor('Step 1/');
    expect(tutor.exits).toEqual([]);
  });

  it('a session that does not name its lab directory gets the one line too', async () => {
    const tutor = await renderTutor(await createLocalSession(dir));
    views.push(tutor);
    await tutor.waitFor('› · 01');
    await tutor.press('a');
    await tutor.waitFor((f) => flat(f).includes("could not build this chapter's Ansible role: this session does not say where the lab directory is"));
  });
});

describe('automationPage', () => {
  const meta = { id: 'chapter-9', number: 9, slug: '09-made-up', title: 'Made up', summary: '', tracks: ['classic' as const] };
  const role = (over: Partial<ChapterAutomation>): ChapterAutomation => ({
    chapter: 'chapter-9',
    role: 'made_up',
    files: [],
    hosts: [],
    restarts: [],
    templates: [],
    localSteps: [],
    secrets: [],
    stepBlocks: 0,
    ...over,
  });

  it('shows a short template whole and names a long one; a file with a fence inside cannot close its block', () => {
    const long = Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n');
    const page = automationPage(
      meta,
      role({
        stepBlocks: 1,
        hosts: ['server'],
        files: [
          { path: 'roles/made_up/tasks/main.yml', text: '---\n- name: Write ```a``` fence\n' },
          { path: 'roles/made_up/templates/short.service.j2', text: '[Unit]\nDescription={{ x }}\n' },
          { path: 'roles/made_up/templates/long.conf.j2', text: long },
          { path: 'roles/made_up/meta/main.yml', text: '---\n' },
          { path: 'verify/09-made-up.yml', text: '---\n' },
        ],
      }),
      classicLab,
    );
    expect(page).toContain('````yaml\n---\n- name: Write ```a``` fence\n````');
    expect(page).toContain('```ini\n[Unit]\nDescription={{ x }}\n```');
    expect(page).not.toContain('line 39');
    expect(page).toContain('`roles/made_up/templates/long.conf.j2` (40 lines)');
    expect(page).toContain('`verify/09-made-up.yml`');
    expect(page).toContain('`server` (10.240.0.11)');
  });

  it('says so when the chapter leaves nothing for Ansible to do', () => {
    const page = automationPage(meta, role({ localSteps: ['ca: the CA'] }), classicLab);
    expect(page).toContain('the role has no tasks');
    expect(page).toContain('Done by kthw, not by the role:** ca: the CA');
    expect(page).not.toContain('Tasks follow your steps');
  });
});
