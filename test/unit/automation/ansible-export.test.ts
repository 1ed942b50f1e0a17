import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { chapters } from '../../../chapters/index.js';
import { chaptersThrough } from '../../../src/plan/chapter.js';
import { writeAnsibleProject, type WrittenProject } from '../../../src/automation/ansible/write-project.js';
import { encryptionKeyGenerator } from '../../../chapters/06-data-encryption/encryption-key.js';
import { builtinGenerators } from '../../../src/engine/builtin-generators.js';
import { builtinLabPath, loadLab } from '../../../src/lab/load.js';
import type { Lab } from '../../../src/lab/types.js';
import { courseProfiles } from '../../support/course-pki.js';

const run = promisify(execFile);

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe.each(['classic', 'ipv6-ha'] as const)('kthw export ansible of the %s lab', (labName) => {
  let root: string;
  let lab: Lab;
  let labDir: string;
  let written: WrittenProject;
  /** What `kthw export ansible DIR` exports: this track's chapters, a teardown chapter never. */
  const exportedChapters = () => chaptersThrough(chapters, Infinity).filter((c) => c.meta.tracks.includes(lab.track));

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'kthw-export-'));
    labDir = join(root, 'lab');
    lab = await loadLab(builtinLabPath(labName));
    // The real generators: the same PKI, SSH key and encryption config a learner's lab directory holds.
    await builtinGenerators(chapters).pki(
      courseProfiles(lab).map((p) => p.id),
      { lab, labDir },
    );
    await builtinGenerators(chapters)['ssh-key'](['jumpbox'], { lab, labDir });
    await encryptionKeyGenerator([], { lab, labDir });
    const plans = exportedChapters().map((c) => ({ meta: c.meta, plan: c.plan(lab, { mirror: join(root, 'mirror') }) }));
    written = await writeAnsibleProject(lab, labDir, plans, join(root, 'export'));
  }, 120_000);
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('passes ansible-playbook --syntax-check for site.yml and verify.yml', async () => {
    for (const playbook of ['site.yml', 'verify.yml']) {
      const result = await run('ansible-playbook', ['--syntax-check', playbook], { cwd: written.dir });
      expect(result.stdout).toContain(`playbook: ${playbook}`);
    }
  });

  it('passes ansible-lint with the production profile over the whole project, as a CI would run it', async () => {
    // No rule is skipped or downgraded: the project's .ansible-lint only names the profile, and
    // ansible-lint is given no file list, so it lints everything (verify/*.yml included).
    expect(await readFile(join(written.dir, '.ansible-lint'), 'utf8')).not.toMatch(/skip_list|warn_list|enable_list|exclude_paths/);
    const result = await run('ansible-lint', ['--offline', '--profile', 'production', '--nocolor'], { cwd: written.dir }).catch(
      (error: { stdout: string; stderr: string; code: number }) => error,
    );
    expect('code' in result ? `${result.stdout}\n${result.stderr}` : '', 'ansible-lint findings').toBe('');
    expect(result.stderr).toMatch(/0 failure\(s\), 0 warning\(s\)/);
    expect(result.stderr).not.toMatch(/on [0-4]?[0-9] files/); // every file of the project, not a few
  }, 180_000);

  it('asks systemd through its module and makes one noqa exception only: curl, whose module is broken on the hosts', async () => {
    const noqa: Array<{ file: string; line: string }> = [];
    for (const file of (await filesUnder(written.dir)).filter((f) => f.endsWith('.yml'))) {
      const text = await readFile(file, 'utf8');
      expect(text, file).not.toMatch(/^\s*- systemctl$|cmd: (!unsafe )?systemctl /m);
      noqa.push(
        ...text
          .split('\n')
          .filter((line) => /noqa/.test(line))
          .map((line) => ({ file: relative(written.dir, file), line })),
      );
    }
    expect(noqa.length).toBeGreaterThan(0); // the API servers' /readyz is asked with curl on both tracks
    for (const { file, line } of noqa) {
      expect(line).toMatch(/^\s*- name: Send the request with curl # noqa: command-instead-of-module \(uri fails on Python 3\.12\+ with ansible-core 2\.14\)$/);
      expect(file).toMatch(/^verify\//); // checks only: the roles that build the cluster use modules
    }
  });

  it('ships chapter 04 ca.conf once, as the template its role renders with the variable in defaults', async () => {
    const role = join(written.dir, 'roles/certificate_authority');
    const tasks = await readFile(join(role, 'tasks/main.yml'), 'utf8');
    expect(tasks).not.toMatch(/\[ca_dn\]/);
    expect(tasks).toMatch(/ansible\.builtin\.template:\s+src: ca\.conf\.j2\s+dest: \/root\/kubernetes-the-hard-way\/ca\.conf/);
    expect(await readFile(join(role, 'templates/ca.conf.j2'), 'utf8')).toBe('{{ pki_openssl_config }}\n');
    const defaults = parseYaml(await readFile(join(role, 'defaults/main.yml'), 'utf8')) as Record<string, string>;
    expect(defaults.pki_openssl_config).toMatch(/^# One section per certificate/);
    // Every default of every role is used by one of the role's templates.
    for (const name of await readdir(join(written.dir, 'roles'))) {
      const vars = parseYaml(await readFile(join(written.dir, 'roles', name, 'defaults/main.yml'), 'utf8').catch(() => '{}')) as Record<string, unknown> | null;
      const templates = await readdir(join(written.dir, 'roles', name, 'templates')).catch(() => [] as string[]);
      const used = (await Promise.all(templates.map((t) => readFile(join(written.dir, 'roles', name, 'templates', t), 'utf8')))).join('\n');
      for (const variable of Object.keys(vars ?? {})) expect(used, `${name}: ${variable} in defaults but in no template`).toContain(`{{ ${variable} }}`);
    }
  });

  it('keeps every private key and the encryption key out of the export in clear', async () => {
    const encryptionConfig = await readFile(join(labDir, 'secrets/encryption-config.yaml'), 'utf8');
    const key = /secret:\s*(\S+)/.exec(encryptionConfig)?.[1];
    expect(key).toBeTruthy();
    const privateKeys = await Promise.all(
      [...(await readdir(join(labDir, 'pki'))).filter((f) => f.endsWith('.key')).map((f) => join(labDir, 'pki', f)), join(labDir, 'ssh/jumpbox_ed25519')].map(
        (f) => readFile(f, 'utf8'),
      ),
    );
    const bodies = privateKeys.map((text) => text.split('\n')[1]!); // the first base64 line of each key
    for (const file of await filesUnder(written.dir)) {
      const text = await readFile(file, 'utf8');
      expect(text, file).not.toMatch(/PRIVATE KEY-----/);
      expect(text.includes(key!), file).toBe(false);
      for (const body of bodies) expect(text.includes(body), file).toBe(false);
    }
    expect((await readFile(join(written.dir, 'group_vars/all/vault.yml'), 'utf8')).startsWith('$ANSIBLE_VAULT;1.1;AES256')).toBe(true);
    expect(written.vaulted).toContain('pki/ca.key');
    expect(written.vaulted).toContain('secrets/encryption-config.yaml');
  });

  it('decrypts the vault with the password kept 0600 in the lab directory, and ansible.cfg points at it', async () => {
    const password = join(labDir, 'ansible-vault-password');
    expect((await stat(password)).mode & 0o777).toBe(0o600);
    expect(await readFile(join(written.dir, 'ansible.cfg'), 'utf8')).toContain(`vault_password_file = ${password}`);
    const clear = await run('ansible-vault', ['view', 'group_vars/all/vault.yml'], { cwd: written.dir });
    expect(clear.stdout).toContain(await readFile(join(labDir, 'pki/ca.key'), 'utf8').then((t) => t.split('\n')[1]!));
  });

  it('ships the chapter templates unchanged with their variables, and an inventory of the lab', async () => {
    const hosts = await readFile(join(written.dir, 'roles/compute_resources/templates/hosts.j2'), 'utf8');
    expect(hosts).toContain('{{ hosts_entries }}');
    const inventory = await run('ansible-inventory', ['--list'], { cwd: written.dir });
    const parsed = JSON.parse(inventory.stdout) as Record<string, { hosts?: string[] }> & {
      _meta: { hostvars: Record<string, { ansible_host: string; hostname_short?: string }> };
    };
    for (const host of lab.hosts) expect(parsed._meta.hostvars[host.name]?.hostname_short).toBe(host.name);
    expect(parsed.workers?.hosts?.length).toBe(lab.hosts.filter((h) => h.roles.includes('worker')).length);
  });

  it('gives each step of a plan to exactly one block, and steps in a row doing the same on several hosts share one', async () => {
    let shared = 0;
    for (const c of exportedChapters()) {
      const role = written.project.roles.get(c.meta.id);
      if (!role) continue;
      const blocks = parseYaml(await readFile(join(written.dir, 'roles', role.name, 'tasks/main.yml'), 'utf8')) as Array<{
        name: string;
        when: string;
        block: unknown[];
      }>;
      const remote = c.plan(lab, {}).steps.filter((s) => s.host !== 'local' && s.actions.some((a) => a.kind !== 'generate'));
      const owners = remote.map((step) =>
        blocks.filter((b) =>
          b.name
            .replace(/:.*/, '')
            .replace(/^Steps? /, '')
            .split(', ')
            .includes(step.id),
        ),
      );
      expect(
        owners.map((o) => o.length),
        c.meta.id,
      ).toEqual(remote.map(() => 1));
      for (const [i, step] of remote.entries())
        expect(owners[i]![0]!.when).toMatch(new RegExp(`inventory_hostname (== "${step.host}"|in \\[.*"${step.host}".*\\])`));
      for (let i = 1; i < blocks.length; i++) {
        const same = JSON.stringify(blocks[i]!.block).replace(/_guard_\d+/g, '') === JSON.stringify(blocks[i - 1]!.block).replace(/_guard_\d+/g, '');
        if (same) expect(blocks[i]!.when === blocks[i - 1]!.when, `${c.meta.id}: ${blocks[i - 1]!.name} and ${blocks[i]!.name} could be one block`).toBe(true);
      }
      shared += blocks.filter((b) => b.when.includes(' in [')).length;
    }
    // ipv6-ha: the three etcd members' steps are alike; classic has one etcd member and no such run.
    if (lab.track === 'ipv6-ha') expect(shared).toBeGreaterThan(0);
    const etcd = await readFile(join(written.dir, 'roles/etcd/tasks/main.yml'), 'utf8');
    if (lab.track === 'ipv6-ha') expect(etcd).toContain('when: inventory_hostname in ["server","server2","server3"]');
  });

  // Last: it changes the lab directory's encryption config.
  it('exports again byte for byte (a committed export shows no diff); a changed secret re-encrypts the vault', async () => {
    const snapshot = async () => new Map(await Promise.all((await filesUnder(written.dir)).map(async (f) => [f, await readFile(f, 'utf8')] as const)));
    const before = await snapshot();
    const plans = exportedChapters().map((c) => ({ meta: c.meta, plan: c.plan(lab, { mirror: join(root, 'mirror') }) }));
    await writeAnsibleProject(lab, labDir, plans, written.dir);
    expect(await snapshot()).toEqual(before);

    const configPath = join(labDir, 'secrets/encryption-config.yaml');
    await writeFile(configPath, (await readFile(configPath, 'utf8')).replace(/secret:\s*\S+/, `secret: ${Buffer.alloc(32, 7).toString('base64')}`));
    await writeAnsibleProject(lab, labDir, plans, written.dir);
    const after = await snapshot();
    const vault = join(written.dir, 'group_vars/all/vault.yml');
    expect(after.get(vault)).not.toBe(before.get(vault));
    expect([...after].filter(([f, text]) => before.get(f) !== text).map(([f]) => f)).toEqual([vault]);
    const clear = await run('ansible-vault', ['view', vault], { cwd: written.dir });
    expect(clear.stdout).toContain(Buffer.alloc(32, 7).toString('base64'));
  });
});
