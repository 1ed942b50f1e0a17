/**
 * The plan actions that name an effect rather than a command (directory, unpack) and a queued unit,
 * run twice by kthw's engine and twice by `ansible-playbook` of the role exported from the same plan,
 * both on this machine: real tar, stat, chmod and Ansible's own modules. Same result, and the second
 * run of each changes nothing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { roleFromPlan } from '../../../src/automation/ansible/role.js';
import { placeTemplateVars } from '../../../src/automation/ansible/template-vars.js';
import type { Generators } from '../../../src/engine/generators.js';
import { localExecutor } from '../../../src/engine/local-executor.js';
import { runPlan } from '../../../src/engine/run-plan.js';
import { unpackCommand, unpackDepth } from '../../../src/engine/unpack-command.js';
import { packagesCommand } from '../../../src/engine/packages-command.js';
import type { Lab } from '../../../src/lab/types.js';
import type { Plan } from '../../../src/plan/types.js';
import { stepLines } from '../../../src/tui/step-commands.js';

let root: string;
const noGenerators = {} as Generators;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'kthw-actions-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function makeTarball(version: string, etcd: string): Promise<string> {
  const src = join(root, 'src', `etcd-${version}-linux-amd64`);
  await mkdir(src, { recursive: true });
  await writeFile(join(src, 'etcd'), etcd);
  await writeFile(join(src, 'etcdctl'), `etcdctl ${version}`);
  await writeFile(join(src, 'README.md'), 'not wanted');
  const archive = join(root, 'downloads', 'etcd.tar.gz');
  await mkdir(join(root, 'downloads'), { recursive: true });
  execFileSync('tar', ['-czf', archive, '-C', join(root, 'src'), `etcd-${version}-linux-amd64`]);
  return archive;
}

function plan(host: string, archive: string, version: string): Plan {
  return {
    chapter: 'chapter-x',
    checks: [],
    steps: [
      {
        id: 'layout',
        title: 'Directories and binaries',
        why: 'test',
        host,
        actions: [
          { kind: 'directory', path: join(root, 'etc', "it's private"), mode: '0700' },
          { kind: 'directory', path: join(root, 'var', 'lib', 'app'), mode: '0750' },
          { kind: 'unpack', archive, dest: join(root, 'bin'), members: [`etcd-${version}-linux-amd64/etcd`, `etcd-${version}-linux-amd64/etcdctl`] },
          { kind: 'unpack', archive: join(root, 'downloads', 'absent.tar.gz'), dest: join(root, 'never'), members: ['x/y'], optional: true },
        ],
      },
    ],
  };
}

const engineRun = async (p: Plan) => {
  let changed = 0;
  await runPlan(p, {
    lab: {} as Lab,
    labDir: root,
    executor: localExecutor,
    generators: noGenerators,
    emit: () => {},
    record: (r) => {
      changed += r.changed;
      return Promise.resolve();
    },
  });
  return changed;
};

async function layout(): Promise<Record<string, string>> {
  const mode = async (p: string) => ((await stat(p)).mode & 0o7777).toString(8);
  return {
    private: await mode(join(root, 'etc', "it's private")),
    app: await mode(join(root, 'var', 'lib', 'app')),
    etcd: await readFile(join(root, 'bin', 'etcd'), 'utf8'),
    etcdctl: await readFile(join(root, 'bin', 'etcdctl'), 'utf8'),
    readme: await stat(join(root, 'bin', 'README.md')).then(
      () => 'unpacked',
      () => 'absent',
    ),
    never: await stat(join(root, 'never')).then(
      () => 'made',
      () => 'absent',
    ),
  };
}

const wanted = (etcd: string, version: string) => ({ private: '700', app: '750', etcd, etcdctl: `etcdctl ${version}`, readme: 'absent', never: 'absent' });

describe('directory and unpack actions', () => {
  it("kthw's engine makes them, changes nothing the second time, and replaces binaries from a newer archive", async () => {
    const archive = await makeTarball('v3.6.0', 'etcd 3.6.0');
    expect(await engineRun(plan('local', archive, 'v3.6.0'))).toBeGreaterThan(0);
    expect(await layout()).toEqual(wanted('etcd 3.6.0', 'v3.6.0'));
    expect(await engineRun(plan('local', archive, 'v3.6.0'))).toBe(0);

    await makeTarball('v3.6.0', 'etcd 3.6.0, rebuilt');
    execFileSync('chmod', ['0755', join(root, 'etc', "it's private")]);
    expect(await engineRun(plan('local', archive, 'v3.6.0'))).toBe(2);
    expect(await layout()).toEqual(wanted('etcd 3.6.0, rebuilt', 'v3.6.0'));
  });

  it('ansible-playbook of the exported role does the same, and its second run reports changed=0', async () => {
    const archive = await makeTarball('v3.6.0', 'etcd 3.6.0');
    const p = plan('localhost', archive, 'v3.6.0');
    const role = roleFromPlan(p, '99-test', placeTemplateVars([{ slug: '99-test', plan: p }]));
    const playbook = join(root, 'play.yml');
    await writeFile(playbook, JSON.stringify([{ name: 'test', hosts: 'localhost', connection: 'local', gather_facts: false, tasks: role.tasks }]));
    const play = () => {
      const result = spawnSync('ansible-playbook', ['-i', 'localhost,', playbook], { encoding: 'utf8', env: { ...process.env, ANSIBLE_NOCOLOR: '1' } });
      expect(result.status, result.stdout + result.stderr).toBe(0);
      return Number(/changed=(\d+)/.exec(result.stdout)?.[1]);
    };
    expect(play()).toBeGreaterThan(0);
    expect(await layout()).toEqual(wanted('etcd 3.6.0', 'v3.6.0'));
    expect(play()).toBe(0);
    // and kthw agrees that nothing is left to do
    expect(await engineRun(plan('local', archive, 'v3.6.0'))).toBe(0);
  }, 120_000);

  it('packages already installed: neither kthw nor the exported role asks apt anything', async () => {
    const p: Plan = {
      chapter: 'chapter-x',
      checks: [],
      steps: [{ id: 'tools', title: 'Tools', why: 'test', host: 'localhost', actions: [{ kind: 'packages', names: ['coreutils', 'tar'] }] }],
    };
    const role = roleFromPlan(p, '99-test', placeTemplateVars([{ slug: '99-test', plan: p }]));
    const playbook = join(root, 'play.yml');
    await writeFile(playbook, JSON.stringify([{ name: 'test', hosts: 'localhost', connection: 'local', gather_facts: false, tasks: role.tasks }]));
    // Debian's python3 holds the apt bindings the apt module and package_facts need.
    const result = spawnSync('ansible-playbook', ['-i', 'localhost,', '-e', 'ansible_python_interpreter=/usr/bin/python3', playbook], {
      encoding: 'utf8',
      env: { ...process.env, ANSIBLE_NOCOLOR: '1' },
    });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/TASK \[Install coreutils, tar\][^\n]*\n(skipping|ok: \[localhost\] => \(item)/);
    expect(result.stdout).toMatch(/changed=0 .*skipped=1/);
    const engine = { ...p, steps: p.steps.map((s) => ({ ...s, host: 'local' })) };
    expect(await engineRun(engine)).toBe(0);
  }, 120_000);

  it('shows the learner the commands it stands for', () => {
    const lines = stepLines(plan('server', '/root/downloads/etcd.tar.gz', 'v3.6.0').steps[0]!);
    expect(lines).toContain(`mkdir -p '${join(root, 'etc', "it'\\''s private")}'`);
    expect(lines).toContain(`chmod 0700 '${join(root, 'etc', "it'\\''s private")}'`);
    expect(lines).toContain(
      `tar -xf /root/downloads/etcd.tar.gz -C ${join(root, 'bin')} --strip-components=1 etcd-v3.6.0-linux-amd64/etcd etcd-v3.6.0-linux-amd64/etcdctl`,
    );
    expect(lines).toContain(`# only when ${join(root, 'downloads', 'absent.tar.gz')} is there:`);
  });
});

describe('the commands behind the actions refuse what they cannot quote or mean', () => {
  it('unpack: members outside the archive root, mixed depths, none', () => {
    expect(unpackDepth(['../etc/passwd'])).toEqual({ error: expect.stringContaining('not a plain relative path') as unknown });
    expect(unpackDepth(['/etc/passwd'])).toEqual({ error: expect.stringContaining('not a plain relative path') as unknown });
    expect(unpackDepth(['a/b', 'c'])).toEqual({ error: expect.stringContaining('same depth') as unknown });
    expect(unpackDepth([])).toEqual({ error: 'no archive member named' });
    expect(unpackCommand({ kind: 'unpack', archive: '/a.tgz', dest: '/d', members: ['x/$(reboot)'] })).toMatchObject({
      run: expect.stringContaining("'x/$(reboot)'") as unknown,
    });
  });

  it('packages: only Debian package names reach the shell', () => {
    expect(packagesCommand(['curl', 'openssh-client'])).toMatchObject({
      run: 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get -y install curl openssh-client',
    });
    expect(packagesCommand(['curl; reboot'])).toEqual({ error: '"curl; reboot" is not a Debian package name' });
    expect(packagesCommand([])).toEqual({ error: 'no package named' });
  });

  it('packages: the guard holds for installed packages and fails for a missing one (real dpkg-query)', () => {
    const guard = (names: string[]) => spawnSync('bash', ['-c', (packagesCommand(names) as { unless: string }).unless]).status;
    expect(guard(['coreutils', 'tar'])).toBe(0);
    expect(guard(['coreutils', 'kthw-no-such-package'])).not.toBe(0);
  });
});
