import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chapters } from '../../../chapters/index.js';
import { MANIFEST } from '../../../src/automation/ansible/export-manifest.js';
import { writeAnsibleProject } from '../../../src/automation/ansible/write-project.js';
import { encryptionKeyGenerator } from '../../../chapters/06-data-encryption/encryption-key.js';
import { builtinGenerators } from '../../../src/engine/builtin-generators.js';
import { builtinLabPath, loadLab } from '../../../src/lab/load.js';
import type { Lab } from '../../../src/lab/types.js';
import { courseProfiles } from '../../support/course-pki.js';

// Exporting again into the same directory: what the last export wrote and this one does not goes;
// what the user added stays, and a manifest cannot make kthw remove anything outside the project.
let root: string;
let lab: Lab;
let labDir: string;
const plansUntil = (last: number) =>
  chapters.filter((c) => c.meta.tracks.includes(lab.track) && c.meta.number <= last).map((c) => ({ meta: c.meta, plan: c.plan(lab, {}) }));

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kthw-export-manifest-'));
  labDir = join(root, 'lab');
  lab = await loadLab(builtinLabPath('classic'));
  await builtinGenerators(chapters).pki(
    courseProfiles(lab).map((p) => p.id),
    { lab, labDir },
  );
  await builtinGenerators(chapters)['ssh-key'](['jumpbox'], { lab, labDir });
  await encryptionKeyGenerator([], { lab, labDir });
}, 120_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('exporting again into the same directory', () => {
  it('removes the roles and files the last export wrote and this one does not, and keeps what the user added', async () => {
    const dir = join(root, 'again');
    await writeAnsibleProject(lab, labDir, plansUntil(7), dir);
    const goners = ['roles/etcd', 'roles/kubeconfigs', 'verify/07-etcd.yml', 'roles/data_encryption/tasks/main.yml'];
    for (const path of goners) expect(existsSync(join(dir, path)), path).toBe(true);
    await writeFile(join(dir, 'README.md'), 'our notes\n');
    await mkdir(join(dir, 'roles/data_encryption/files'), { recursive: true });
    await writeFile(join(dir, 'roles/data_encryption/files/ours.txt'), 'ours\n');

    await writeAnsibleProject(lab, labDir, plansUntil(4), dir);
    for (const path of goners) expect(existsSync(join(dir, path)), path).toBe(false);
    expect(await readFile(join(dir, 'roles/data_encryption/files/ours.txt'), 'utf8')).toBe('ours\n');
    expect(await readFile(join(dir, 'README.md'), 'utf8')).toBe('our notes\n');
    expect(await readFile(join(dir, 'site.yml'), 'utf8')).not.toContain('etcd');
    expect(existsSync(join(dir, 'roles/certificate_authority/tasks/main.yml'))).toBe(true);
    expect(await readFile(join(dir, MANIFEST), 'utf8')).not.toContain('roles/etcd/');
  });

  it('ignores a manifest line naming a file outside the project', async () => {
    const dir = join(root, 'hostile');
    const outside = join(root, 'outside.txt');
    await writeFile(outside, 'keep\n');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, MANIFEST), `../outside.txt\n${outside}\nroles/../../outside.txt\n`);
    await writeAnsibleProject(lab, labDir, plansUntil(3), dir);
    expect(await readFile(outside, 'utf8')).toBe('keep\n');
  });
});
