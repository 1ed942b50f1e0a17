import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findChapter } from '../../../chapters/index.js';
import { chapterAutomation } from '../../../src/automation/ansible/chapter-automation.js';
import { loadLab } from '../../../src/lab/load.js';
import { automationPage } from '../../../src/tui/automation-page.js';
import { runKthw } from '../../support/run-kthw.js';
import { unusual, writeUnusualLab } from './unusual-lab.js';

const home = mkdtempSync(join(tmpdir(), 'kthw-export-cli-'));
const kthw = (...args: string[]) => runKthw(args, { env: { KTHW_HOME: home } });
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('kthw export ansible (CLI)', () => {
  it('prints the role a chapter becomes: its template, the unit and the handler that restarts it', () => {
    const result = kthw('export', 'ansible', '--chapter', 'chapter-7', '--print');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('# roles/etcd/tasks/main.yml');
    expect(result.stdout).toContain('ansible.builtin.template');
    expect(result.stdout).toContain('src: etcd.service.j2');
    expect(result.stdout).toContain('# roles/etcd/handlers/main.yml');
    expect(result.stdout).toMatch(/name: Restart etcd\.service\n\s+ansible\.builtin\.systemd_service:/);
    expect(result.stdout).toContain('# roles/etcd/templates/etcd.service.j2');
    expect(result.stdout).toContain('{{ etcd_member_name }}');
  });

  it('--json --print gives the role files by path', () => {
    const result = kthw('--json', 'export', 'ansible', '--chapter', '4', '--print');
    const doc = JSON.parse(result.stdout) as { chapter: string; role: string; files: Record<string, string> };
    expect(doc).toMatchObject({ chapter: 'chapter-4', role: 'certificate_authority' });
    expect(Object.keys(doc.files)).toContain('roles/certificate_authority/tasks/main.yml');
    expect(doc.files['roles/certificate_authority/tasks/main.yml']).toContain('{{ kthw_pki_ca_key }}');
  });

  it("--print is the tutor's closing page: the same role files, built from the learner's own lab, tasks first", async () => {
    const labFile = writeUnusualLab(home);
    const printed = kthw('--lab', labFile, '--json', 'export', 'ansible', '--chapter', 'chapter-3', '--print');
    expect(printed.code, printed.stderr).toBe(0);
    const doc = JSON.parse(printed.stdout) as { chapter: string; role: string; files: Record<string, string> };
    const lab = await loadLab(labFile);
    const { meta, plan } = { meta: findChapter('chapter-3').meta, plan: findChapter('chapter-3').plan(lab, {}) };
    const built = chapterAutomation(lab, join(home, 'unused'), { meta, plan });
    expect(doc.role).toBe(built.role);
    expect(Object.entries(doc.files)).toEqual(built.files.map((f) => [f.path, f.text]));
    expect(Object.keys(doc.files)[0]).toBe('roles/compute_resources/tasks/main.yml');
    const tasks = doc.files['roles/compute_resources/tasks/main.yml']!;
    expect(tasks).toContain(`when: inventory_hostname == "${unusual.server}"`);
    expect(tasks).toContain(unusual.serverIpv4);
    // Every file the tutor's page shows in full, it shows as printed.
    const page = automationPage(meta, built, lab);
    for (const path of [
      'roles/compute_resources/tasks/main.yml',
      'roles/compute_resources/defaults/main.yml',
      'roles/compute_resources/templates/hosts.j2',
      `host_vars/${unusual.server}.yml`,
    ]) {
      expect(page).toContain(`### ${path}`);
      expect(page).toContain(doc.files[path]!.replace(/\n+$/, ''));
    }
    const plain = kthw('--lab', labFile, 'export', 'ansible', '--chapter', 'chapter-3', '--print');
    expect(plain.stdout).toBe(built.files.map((f) => `# ${f.path}\n${f.text}\n`).join(''));
  });

  it('refuses, with exit 2 and a fix, an unknown format, a missing directory, and a lab directory without its secrets', () => {
    expect(kthw('export', 'terraform', join(home, 'out'))).toMatchObject({ code: 2, stderr: expect.stringContaining('kthw export ansible DIR') as unknown });
    expect(kthw('export', 'ansible')).toMatchObject({ code: 2, stderr: expect.stringContaining('no directory') as unknown });
    const missing = kthw('export', 'ansible', join(home, 'out'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('lacks');
    expect(missing.stderr).toContain('pki/ca.key');
  });
});
