import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runKthw } from '../../support/run-kthw.js';

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

  it('refuses, with exit 2 and a fix, an unknown format, a missing directory, and a lab directory without its secrets', () => {
    expect(kthw('export', 'terraform', join(home, 'out'))).toMatchObject({ code: 2, stderr: expect.stringContaining('kthw export ansible DIR') });
    expect(kthw('export', 'ansible')).toMatchObject({ code: 2, stderr: expect.stringContaining('no directory') });
    const missing = kthw('export', 'ansible', join(home, 'out'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('lacks');
    expect(missing.stderr).toContain('pki/ca.key');
  });
});
