/**
 * The shape of what `verifyPlaybook` writes, kind by kind: each check a block ending in an assert
 * with the check's message, a rescue that records it, a report play at the end; every value from a
 * spec an `!unsafe` scalar, commands as argv with hostile values passed as one element each,
 * unchanged. (verify-playbook-parity.test.ts runs the tasks; test/lab/verify-playbook.test.ts runs
 * them on lab machines.)
 */
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { chapters } from '../../../chapters/index.js';
import { buildAnsibleProject } from '../../../src/automation/ansible/project.js';
import { deferReportVar, failedChecksFact, verifyPlaybook } from '../../../src/automation/ansible/verify-playbook.js';
import { yamlDocument } from '../../../src/automation/ansible/yaml-text.js';
import { builtinLabPath, loadLab } from '../../../src/lab/load.js';
import type { CheckSpec } from '../../../src/plan/types.js';
import { UsageError } from '../../../src/util/errors.js';

/** Hostile in a shell, in Jinja, and in YAML; the marker finds it wherever it lands. */
const hostile = (what: string) => `/tmp/kthw-hostile ${what} it's "$(id)" \`id\` {{ lookup('pipe', 'id') }} #: - `;
type Unsafe = { unsafe: string };
const isUnsafe = (value: unknown): value is Unsafe => typeof value === 'object' && value !== null && 'unsafe' in value;

/** What these tests read of an exported task and play (Ansible's own keys). */
type Scalar = string | Unsafe;
interface Task {
  name?: string;
  when?: string;
  register?: string;
  block?: Task[];
  rescue?: Task[];
  vars?: Record<string, unknown>;
  'ansible.builtin.assert'?: { that: string[]; fail_msg: string };
  'ansible.builtin.command'?: { argv?: Scalar[]; cmd?: unknown; stdin?: unknown };
  'ansible.builtin.shell'?: unknown;
  'ansible.builtin.stat'?: { path: unknown };
  'ansible.builtin.slurp'?: { src: unknown };
  'ansible.builtin.set_fact'?: Record<string, string>;
}
interface Play {
  name: string;
  hosts: string;
  connection?: string;
  environment?: Record<string, string>;
  tasks: Task[];
}
/** An entry of verify.yml: a chapter's import, or the report play. */
interface VerifyEntry extends Partial<Play> {
  'ansible.builtin.import_playbook'?: string;
  vars?: Record<string, unknown>;
  tags?: string[];
}

/** The YAML as Ansible reads it, `!unsafe` scalars kept recognisable. */
function reparse(value: unknown): unknown {
  return parse(yamlDocument(value), { customTags: [{ tag: '!unsafe', resolve: (text: string) => ({ unsafe: text }) }] });
}

/** Every plain (not `!unsafe`) string in the document. */
function plainStrings(node: unknown, out: string[] = []): string[] {
  if (typeof node === 'string') out.push(node);
  else if (isUnsafe(node)) return out;
  else if (Array.isArray(node)) node.forEach((n) => plainStrings(n, out));
  else if (typeof node === 'object' && node !== null) Object.values(node).forEach((n) => plainStrings(n, out));
  return out;
}

function spec(kind: string, params: Record<string, unknown>, host: CheckSpec['host'] = 'server'): CheckSpec {
  return { id: `${kind}-check`, title: `the ${kind} check`, host, kind, params, why: 'Why it matters.', fix: 'How to fix it.' };
}

/** The check's block (the first task of the first play), as Ansible would read it back. */
function exported(check: CheckSpec): { block: Task[]; rescue: Task[]; when?: string; plays: Play[] } {
  const plays = reparse(verifyPlaybook({ chapter: 'test', steps: [], checks: [check] }, 'the test chapter').plays) as Play[];
  const task = plays[0]?.tasks[0];
  if (!task?.block || !task.rescue) throw new Error('the first task is not a block with a rescue');
  return { block: task.block, rescue: task.rescue, when: task.when, plays };
}

function flatTasks(tasks: Task[]): Task[] {
  return tasks.flatMap((t) => (t.block ? flatTasks(t.block) : [t]));
}

function argvs(tasks: Task[]): Scalar[][] {
  return flatTasks(tasks)
    .map((t) => t['ansible.builtin.command']?.argv)
    .filter((argv) => argv !== undefined);
}

function expectSafe(check: CheckSpec): void {
  const { block } = exported(check);
  expect(plainStrings(block).filter((s) => s.includes('kthw-hostile'))).toEqual([]);
  const last = flatTasks(block).at(-1);
  expect(last!['ansible.builtin.assert']!.fail_msg).toBe('the ' + check.kind + ' check: Why it matters. Fix: How to fix it.');
  expect(last!['ansible.builtin.assert']!.that.length).toBeGreaterThan(0);
  for (const task of flatTasks(block)) {
    expect(Object.keys(task).some((k) => k === 'ansible.builtin.shell') && check.kind !== 'command', `${check.kind} uses no shell module`).toBe(false);
    if (task['ansible.builtin.command']) expect(task['ansible.builtin.command'].cmd, 'argv, not a command line').toBeUndefined();
  }
}

describe('verifyPlaybook, kind by kind', () => {
  it('file: stat and slurp take the path as given; the expectations are vars, never Jinja in the assert', () => {
    const path = hostile('file');
    const check = spec('file', { path, mode: '600', owner: 'etcd', group: '0', contains: hostile('text'), matches: '^a {{ b }}$' });
    expectSafe(check);
    const { block } = exported(check);
    expect(block[0]!['ansible.builtin.stat']!.path).toEqual({ unsafe: path });
    expect(block[1]!['ansible.builtin.slurp']!.src).toEqual({ unsafe: path });
    expect(block[2]!['ansible.builtin.assert']!.that).toContain('check_1.stat.mode == "0600"');
    expect(block[2]!.vars?.expected_pattern).toEqual({ unsafe: '^a {{ b }}$' });
  });

  it('command: the shell code as written, unsafe, through the shell it names', () => {
    const run = `echo ${hostile('command')} | wc -c`;
    const check = spec('command', { run, shell: 'bash', exitCode: 3, stdout: '^x$', stdoutNot: 'error' });
    expectSafe(check);
    const [shell, assert] = exported(check).block;
    expect(shell!['ansible.builtin.shell']).toEqual({ cmd: { unsafe: run }, executable: '/bin/bash' });
    expect(shell).toMatchObject({ changed_when: false, failed_when: false, register: 'check_1' });
    expect(assert!['ansible.builtin.assert']!.that).toEqual([
      'check_1.rc == 3',
      'check_1.stdout is search(expected_stdout, multiline=True)',
      'check_1.stdout is not search(refused_stdout, multiline=True)',
    ]);
  });

  it('unit: systemd_service in check mode (no systemctl command), the unit name unsafe, asserting on its status', () => {
    const check = spec('unit', { unit: 'etcd.service', enabled: false, active: false });
    expectSafe(check);
    const { block } = exported(check);
    expect(argvs(block)).toEqual([]);
    expect(block[0]).toMatchObject({
      'ansible.builtin.systemd_service': { name: { unsafe: 'etcd.service' }, state: 'stopped' },
      check_mode: true,
      failed_when: false,
      changed_when: false,
    });
    expect(block[1]!['ansible.builtin.assert']!.that).toContain('check_1.status.ActiveState != "active"');
    expect(block[1]!['ansible.builtin.assert']!.that).toContain('not (check_1.status.UnitFileState | default(\'\') in ["enabled","enabled-runtime"])');
  });

  it('x509: a constant script, the certificate, CA and key paths as its positional parameters', () => {
    const [path, caPath, keyPath] = ['cert', 'ca', 'key'].map(hostile);
    const check = spec('x509', {
      path,
      caPath,
      keyPath,
      cn: 'system:node:node-0',
      o: ['system:nodes'],
      dnsSans: ['node-0'],
      ipSans: ['fd00:4::30', '10.0.0.30'],
      exactSans: true,
      keyUsage: ['digitalSignature'],
      extKeyUsage: ['clientAuth'],
      isCa: false,
    });
    expectSafe(check);
    const { block } = exported(check);
    const [argv] = argvs(block);
    expect(argv!.slice(0, 2)).toEqual(['sh', '-c']);
    expect(argv!.slice(3)).toEqual(['sh', { unsafe: path }, { unsafe: caPath }, { unsafe: keyPath }]);
    // openssl prints IPv6 SANs as eight upper-case groups
    expect(block[1]!.vars?.expected_sans).toEqual(['DNS:node-0', 'IP Address:FD00:4:0:0:0:0:0:30', 'IP Address:10.0.0.30'].map((unsafe) => ({ unsafe })));
    expect(block[1]!.vars?.expected_ext_key_usage).toEqual([{ unsafe: 'TLS Web Client Authentication' }]);
  });

  it('x509 with a caPem: the PEM goes in on stdin, openssl reads it as /dev/stdin', () => {
    const caPem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const { block } = exported(spec('x509', { path: '/root/ca.crt', caPem }));
    expect(block[0]!['ansible.builtin.command']!.stdin).toEqual({ unsafe: caPem });
    expect(argvs(block)[0]!.slice(4)).toEqual([{ unsafe: '/root/ca.crt' }, '/dev/stdin', '']);
  });

  it('kubeconfig: the file is read with keys blanked on the host; the current user is found by Jinja, its certificate by openssl', () => {
    const [path, caPath] = ['kubeconfig', 'ca'].map(hostile);
    const check = spec('kubeconfig', {
      path,
      caPath,
      server: 'https://[fd00:4::4]:6443',
      context: 'default',
      user: 'system:node:node-0',
      userCn: 'system:node:node-0',
      userO: ['system:nodes'],
    });
    expectSafe(check);
    const { block } = exported(check);
    const [redact, certs] = argvs(block);
    expect(redact!.slice(3)).toEqual(['sh', { unsafe: path }]);
    expect(redact![2]).toContain('client-key-data: REDACTED');
    expect(certs!.slice(3, 5)).toEqual(['sh', { unsafe: path }]);
    expect(certs!.at(-1)).toEqual({ unsafe: caPath });
    expect(flatTasks(block)[1]!.when).toBe('check_1.rc == 0');
  });

  it('http: curl with the URL, CA, client certificate and key as argv elements (a colon in --cert escaped)', () => {
    const cert = `${hostile('cert')}:x`;
    const check = spec('http', { url: 'https://[fd00:4::20]:2379/health', cacert: hostile('ca'), cert, key: hostile('key'), refused: true });
    expectSafe(check);
    const { block } = exported(check);
    const [argv] = argvs(block);
    expect(argv![0]).toBe('curl');
    expect(argv!.slice(argv!.indexOf('--cert'), argv!.indexOf('--cert') + 2)).toEqual(['--cert', { unsafe: cert.replaceAll(':', '\\:') }]);
    expect(argv!.slice(-2)).toEqual(['--url', { unsafe: 'https://[fd00:4::20]:2379/health' }]);
    expect(block[1]!['ansible.builtin.assert']!.that[0]).toMatch(/^check_1\.rc in \[35, 52, 55, 56\] or /);
  });

  it('port: ss, the listeners on the port, wildcard listeners covering the address', () => {
    const check = spec('port', { port: 2379, address: 'FD00:4::0020' });
    expectSafe(check);
    const { block } = exported(check);
    expect(argvs(block)).toEqual([['ss', '-Hltn']]);
    expect(block[1]!['ansible.builtin.assert']!.that).toContain('on_port | intersect(["[fd00:4::20]:2379","[::]:2379","*:2379"]) | length > 0');
  });

  it('etcd-health and etcd-members: etcdctl with JSON output, endpoints and TLS files as argv elements', () => {
    const tls = { cacert: hostile('ca'), cert: hostile('cert'), key: hostile('key') };
    const members = [
      { name: 'server', clientUrl: 'https://[fd00:4::20]:2379' },
      { name: 'server2', clientUrl: 'https://[fd00:4::120]:2379' },
    ];
    const health = spec('etcd-health', { members, require: 'quorum', ...tls });
    expectSafe(health);
    const [argv] = argvs(exported(health).block);
    expect(argv).toEqual([
      'etcdctl',
      '--endpoints',
      { unsafe: 'https://[fd00:4::20]:2379,https://[fd00:4::120]:2379' },
      '--dial-timeout',
      '2s',
      '--command-timeout',
      '3s',
      '--cacert',
      { unsafe: tls.cacert },
      '--cert',
      { unsafe: tls.cert },
      '--key',
      { unsafe: tls.key },
      'endpoint',
      'health',
      '-w',
      'json',
    ]);
    expect(exported(health).block[1]!['ansible.builtin.assert']!.that).toEqual(['expected_endpoints | intersect(healthy_endpoints) | length >= 2']);

    const list = spec('etcd-members', {
      endpoints: members.map((m) => m.clientUrl),
      members: [
        { name: 'server2', peerUrls: ['https://[fd00:4::120]:2380'] },
        { name: 'server', peerUrls: ['https://[fd00:4::20]:2380/'] },
      ],
      ...tls,
    });
    expectSafe(list);
    const { block } = exported(list);
    expect(argvs(block).map((a) => a.slice(-4))).toEqual([
      ['member', 'list', '-w', 'json'],
      ['endpoint', 'status', '-w', 'json'],
    ]);
    // as "name peer,peer", sorted, URLs normalised like the judge's
    expect(block[2]!.vars?.expected_members).toEqual([{ unsafe: 'server https://[fd00:4::20]:2380' }, { unsafe: 'server2 https://[fd00:4::120]:2380' }]);
  });

  it('wraps each check in a block whose rescue records it, and reports every failure in a play of its own', () => {
    const check = { ...spec('unit', { unit: 'etcd.service' }), title: 'etcd runs {{ now }}', why: "It's needed.", fix: 'Start it.' };
    const { rescue, when, plays } = exported(check);
    expect(when).toBe('inventory_hostname == "server"');
    expect(rescue).toHaveLength(1);
    expect(rescue[0]!['ansible.builtin.set_fact']![failedChecksFact]).toContain(`${failedChecksFact} | default([]) + [failed_check ~`);
    expect(rescue[0]!.vars?.failed_check).toEqual({ unsafe: "unit-check: etcd runs {{ now }} — It's needed. Fix: Start it." });
    expect(plays.map((p) => [p.name, p.hosts])).toEqual([
      ['Verify the test chapter', 'server'],
      ['Report the failed checks of the test chapter', 'server'],
    ]);
    const report = plays[1]!.tasks[0]!;
    expect(report.when).toBe(`not (${deferReportVar} | default(false))`);
    expect(report['ansible.builtin.assert']).toMatchObject({
      that: `${failedChecksFact} | default([]) | length == 0`,
      fail_msg: `{{ ${failedChecksFact} | default([]) }}`,
    });
  });

  it("runs checks of kthw's own machine in a play on localhost, connection local", () => {
    const plays = reparse(
      verifyPlaybook({ chapter: 'test', steps: [], checks: [spec('file', { path: '/tmp/a' }, 'local'), spec('port', { port: 22 }, 'node-0')] }, 'mixed').plays,
    ) as Play[];
    expect(plays.map((p) => [p.hosts, p.connection])).toEqual([
      ['node-0', undefined],
      ['localhost', 'local'],
      ['node-0:localhost', undefined],
    ]);
    expect(plays[1]!.tasks[0]!.when).toBeUndefined();
  });

  it('refuses a spec it cannot translate, naming the check', () => {
    expect(() => verifyPlaybook({ chapter: 'test', steps: [], checks: [spec('x509', { path: '/a', ipSans: ['not-an-ip'] })] }, 't')).toThrow(UsageError);
    expect(() => verifyPlaybook({ chapter: 'test', steps: [], checks: [spec('nonsense', {})] }, 't')).toThrow(
      /check nonsense-check cannot be exported: unknown check kind "nonsense"/,
    );
    try {
      verifyPlaybook({ chapter: 'test', steps: [], checks: [spec('port', { port: 0 })] }, 't');
    } catch (error) {
      expect((error as UsageError).where).toBe('check port-check (port on server)');
    }
    expect.assertions(3);
  });
});

describe('verify.yml of an export', () => {
  it('imports every chapter with its report deferred, then reports once for every host', async () => {
    const lab = await loadLab(builtinLabPath('classic'));
    const plans = chapters
      .filter((c) => c.meta.tracks.includes(lab.track))
      .map((c) => ({ meta: c.meta, plan: c.plan(lab, { mirror: '/nonexistent/mirror' }) }));
    const project = buildAnsibleProject(lab, join('/nonexistent', 'lab'), plans);
    const verify = parse(project.files.get('verify.yml')!) as VerifyEntry[];
    const imports = verify.slice(0, -1);
    expect(imports.map((i) => i['ansible.builtin.import_playbook'])).toEqual(plans.map((p) => `verify/${p.meta.slug}.yml`));
    for (const entry of imports) expect(entry.vars).toEqual({ [deferReportVar]: true });
    expect(verify.at(-1)).toMatchObject({ name: 'Report every failed check', tags: ['always'] });
    // chapter 10 checks kubectl on kthw's own machine too: localhost, in the lab directory
    expect(verify.at(-1)!.hosts!.split(':').sort()).toEqual([...lab.hosts.map((h) => h.name), 'localhost'].sort());
    const local = (parse(project.files.get('verify/10-configuring-kubectl.yml')!) as Play[]).find((play) => play.hosts === 'localhost');
    expect(local?.environment).toEqual({ KTHW_LAB_DIR: join('/nonexistent', 'lab') });
    // every check of every chapter is in its chapter's file, none left out
    for (const { meta, plan } of plans) {
      const text = project.files.get(`verify/${meta.slug}.yml`)!;
      expect(text).toContain(`# Checks of ${meta.id}: ${plan.checks.length} checks as assert tasks.`);
      for (const check of plan.checks) expect(text).toContain(`Check ${check.id}: `);
    }
  });
});
