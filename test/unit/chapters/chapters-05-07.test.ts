/**
 * Chapters 05–07 as plans for the shipped labs and the garage lab, and the parts that run on one
 * machine run here for real: kubectl writing kubeconfigs the kubeconfig check then judges, the
 * encryption-key generator, the key and provider commands, the unit files through systemd-analyze.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findChapter } from '../../../chapters/index.js';
import { workDir } from '../../../chapters/common.js';
import { writeKubeconfig } from '../../../chapters/05-kubeconfigs/index.js';
import { kubeconfigsOf } from '../../../chapters/05-kubeconfigs/kubeconfigs.js';
import { encryptionConfigPath, keyLengthCommand, providersCommand } from '../../../chapters/06-data-encryption/index.js';
import { etcdCluster, etcdFlags } from '../../../chapters/07-etcd/cluster.js';
import { defragCalendar } from '../../../chapters/07-etcd/index.js';
import { ensureEncryptionConfig, keyOf } from '../../../chapters/06-data-encryption/encryption-key.js';
import { isNode, type Lab } from '../../../src/lab/types.js';
import type { FileAction, Plan } from '../../../src/plan/types.js';
import { generatePki } from '../../support/course-pki.js';
import { otherLab, shippedLabs } from './fixtures.js';
import { runCheckHere } from './run-check.js';

let labs: Record<string, Lab>;
beforeAll(async () => {
  labs = { ...(await shippedLabs()), garage: otherLab() };
});

const scratch: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kthw-ch57-'));
  scratch.push(dir);
  return dir;
}
afterEach(() => scratch.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const sh = (command: string) => spawnSync('sh', ['-c', command], { encoding: 'utf8' });
const plan = (id: string, lab: Lab): Plan => findChapter(id).plan(lab, {});
const files = (p: Plan, host: string) =>
  p.steps
    .filter((s) => s.host === host)
    .flatMap((s) => s.actions)
    .filter((a): a is FileAction => a.kind === 'file');

describe('chapter 5: which kubeconfig names which server', () => {
  it.each([
    ['classic', 'https://server.kubernetes.local:6443', 'https://server.kubernetes.local:6443', 'https://127.0.0.1:6443'],
    ['ipv6-ha', 'https://[fd00:4::4]:6443', 'https://[::1]:6443', 'https://[::1]:6443'],
    ['garage', 'https://api.lab.example.internal:6443', 'https://api.lab.example.internal:6443', 'https://127.0.0.1:6443'],
  ])('%s: workers and kube-proxy %s, scheduler, controller manager and kubelets of controllers %s, admin %s', (name, remote, control, admin) => {
    const lab = labs[name]!;
    const byName = Object.fromEntries(kubeconfigsOf(lab).map((k) => [k.name, k]));
    // every node's kubelet, in the lab file's order: on ipv6-ha the controllers are nodes too
    const nodes = lab.hosts.filter(isNode).map((h) => h.name);
    const controllers = lab.hosts.filter((h) => h.roles.includes('controller')).map((h) => h.name);
    expect(nodes.length).toBeGreaterThan(name === 'ipv6-ha' ? 3 : 0);
    expect(Object.keys(byName)).toEqual([...nodes, 'kube-proxy', 'kube-controller-manager', 'kube-scheduler', 'admin']);
    for (const w of nodes)
      expect(byName[w]).toMatchObject({
        server: controllers.includes(w) ? control : remote,
        user: `system:node:${w}`,
        groups: ['system:nodes'],
        placements: [{ host: w, path: '/var/lib/kubelet/kubeconfig' }],
      });
    expect(byName['kube-proxy']!.server).toBe(remote);
    expect(byName['kube-proxy']!.placements.map((p) => [p.host, p.path])).toEqual(nodes.map((w) => [w, '/var/lib/kube-proxy/kubeconfig']));
    expect(byName['kube-scheduler']).toMatchObject({ server: control, user: 'system:kube-scheduler', groups: ['system:kube-scheduler'] });
    expect(byName['kube-controller-manager']!.server).toBe(control);
    expect(byName.admin).toMatchObject({ server: admin, user: 'admin', groups: ['system:masters'] });
    expect(byName.admin!.placements.map((p) => p.host)).toEqual(controllers);
  });

  it('places each client key on the jumpbox at 0600 and copies every kubeconfig with a guarded scp', () => {
    const p = plan('chapter-5', labs['ipv6-ha']!);
    const secrets = p.steps.find((s) => s.id === 'client-certificates')!.actions.filter((a) => a.kind === 'secret-file');
    for (const a of secrets) if (a.kind === 'secret-file') expect(a.mode).toBe(a.secret.endsWith('.key') ? '0600' : '0644');
    const copies = p.steps.filter((s) => s.id.startsWith('distribute-')).flatMap((s) => s.actions);
    for (const copy of copies) expect(copy).toMatchObject({ kind: 'command', unless: expect.any(String) as unknown });
    // kubelet's and kube-proxy's to six nodes (three of them controllers), three more to each controller
    expect(copies.filter((a) => a.kind === 'command' && a.run.startsWith('scp '))).toHaveLength(6 * 2 + 3 * 3);
  });
});

describe('chapter 5: the kubectl commands, run for real', () => {
  it('write a kubeconfig the check accepts, a re-run is skipped, and a changed file is rewritten', async () => {
    const lab = labs['ipv6-ha']!;
    const pki = await generatePki(lab);
    const dir = tempDir();
    writeFileSync(join(dir, 'ca.crt'), pki.ca!.certPem);
    const kc = kubeconfigsOf(lab).find((k) => k.name === 'node-1')!;
    writeFileSync(join(dir, 'node-1.crt'), pki['node-1']!.certPem);
    writeFileSync(join(dir, 'node-1.key'), pki['node-1']!.keyPem, { mode: 0o600 });
    const here = (command: string) => command.replaceAll(`cd ${workDir}`, `cd ${dir}`);
    const { run, unless } = writeKubeconfig(kc);
    expect(sh(here(unless)).status).not.toBe(0);
    const made = sh(here(run));
    expect(made.status, made.stderr).toBe(0);
    const file = join(dir, 'node-1.kubeconfig');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(sh(here(unless)).status).toBe(0);

    const root = tempDir();
    const placement = kc.placements[0]!;
    mkdirSync(dirname(root + placement.path), { recursive: true });
    copyFileSync(file, root + placement.path);
    writeFileSync(root + placement.caPath, pki.ca!.certPem);
    const spec = plan('chapter-5', lab).checks.find((c) => c.id === 'kubeconfig-node-1-node-1')!;
    const good = runCheckHere(spec, root);
    expect(good.ok, JSON.stringify(good.diagnosis)).toBe(true);

    expect(sh(`kubectl config set-cluster kubernetes-the-hard-way --server=https://wrong.example:6443 --kubeconfig=${file} >/dev/null`).status).toBe(0);
    copyFileSync(file, root + placement.path);
    const bad = runCheckHere(spec, root);
    expect(bad.ok).toBe(false);
    expect(bad.diagnosis!.found).toBe('server is https://wrong.example:6443, expected https://[fd00:4::4]:6443');
    expect(sh(here(unless)).status).not.toBe(0);
    expect(sh(here(run)).status).toBe(0);
    expect(sh(here(unless)).status).toBe(0);
  });
});

describe('chapter 6: the encryption key', () => {
  it('is made once: 32 random bytes, file 0600 in a 0700 directory, kept on the next run', async () => {
    const labDir = tempDir();
    expect(await ensureEncryptionConfig(labDir)).toBe(true);
    const path = join(labDir, 'secrets', 'encryption-config.yaml');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(labDir, 'secrets')).mode & 0o777).toBe(0o700);
    const first = readFileSync(path, 'utf8');
    expect(keyOf(first)).toHaveLength(32);
    expect(first).toMatch(/providers:\n {6}- aescbc:\n {10}keys:\n {12}- name: key1\n {14}secret: \S+\n {6}- identity: \{\}\n$/);
    expect(await ensureEncryptionConfig(labDir)).toBe(false);
    expect(readFileSync(path, 'utf8')).toBe(first);

    const other = tempDir();
    await ensureEncryptionConfig(other);
    expect(keyOf(readFileSync(join(other, 'secrets', 'encryption-config.yaml'), 'utf8'))).not.toEqual(keyOf(first));
  });

  it('refuses a damaged file rather than replacing a key secrets may depend on', async () => {
    const labDir = tempDir();
    mkdirSync(join(labDir, 'secrets'));
    const path = join(labDir, 'secrets', 'encryption-config.yaml');
    writeFileSync(path, 'secret: c2hvcnQ=\n');
    await expect(ensureEncryptionConfig(labDir)).rejects.toThrow(/holds no 32-byte aescbc key/);
    expect(readFileSync(path, 'utf8')).toBe('secret: c2hvcnQ=\n');
  });

  it('the key-length and provider checks read the real file and print no key', async () => {
    const labDir = tempDir();
    await ensureEncryptionConfig(labDir);
    const path = join(labDir, 'secrets', 'encryption-config.yaml');
    const key = /secret: (\S+)/.exec(readFileSync(path, 'utf8'))![1]!;
    const length = sh(keyLengthCommand.replace(encryptionConfigPath, path));
    expect(length.stdout.trim()).toBe('32');
    expect(length.stdout + length.stderr).not.toContain(key);
    expect(sh(providersCommand.replace(encryptionConfigPath, path)).stdout).toBe('aescbc identity\n');
    chmodSync(path, 0o600);
  });

  it('is placed on every controller at 0600 from the lab directory, never embedded in the plan', () => {
    for (const lab of Object.values(labs)) {
      const p = plan('chapter-6', lab);
      expect(p.steps[0]).toMatchObject({ host: 'local', actions: [{ kind: 'generate', generator: 'encryption-key' }] });
      const placed = p.steps.slice(1).map((s) => [s.host, s.actions]);
      const controllers = lab.hosts.filter((h) => h.roles.includes('controller')).map((h) => h.name);
      expect(placed).toEqual(
        controllers.map((c) => [
          c,
          [{ kind: 'secret-file', path: '/root/encryption-config.yaml', mode: '0600', owner: 'root', group: 'root', secret: 'secrets/encryption-config.yaml' }],
        ]),
      );
      expect(p.checks.some((c) => c.id === 'same-key-everywhere')).toBe(controllers.length > 1);
    }
  });
});

describe('chapter 7: etcd per track and version', () => {
  it('classic: one member, plain HTTP on 127.0.0.1, started by a unit action that waits for it', () => {
    const lab = labs.classic!;
    const cluster = etcdCluster(lab);
    expect(cluster.members.map((m) => [m.name, m.peerUrl, m.clientUrl])).toEqual([['server', 'http://127.0.0.1:2380', 'http://127.0.0.1:2379']]);
    const flags = etcdFlags(cluster, cluster.members[0]!);
    expect(flags.some((f) => /cert|metrics|experimental|feature-gates|heartbeat/.test(f))).toBe(false);
    const p = plan('chapter-7', lab);
    expect(p.steps.map((s) => s.id)).toEqual(['etcd-binaries', 'member-server']);
    expect(p.steps[1]!.actions).toContainEqual({ kind: 'unit', unit: 'etcd.service', enabled: true, state: 'started' });
    expect(files(p, 'server')[0]).toMatchObject({ path: '/etc/systemd/system/etcd.service', notify: ['etcd.service'] });
  });

  it('ipv6-ha: three members over TLS with bracketed IPv6 URLs, queued to start together, then one wait', () => {
    const lab = labs['ipv6-ha']!;
    const cluster = etcdCluster(lab);
    const server2 = cluster.members.find((m) => m.name === 'server2')!;
    const flags = etcdFlags(cluster, server2);
    expect(flags).toEqual(
      expect.arrayContaining([
        '--listen-peer-urls=https://[fd00:4::120]:2380',
        '--listen-client-urls=https://[fd00:4::120]:2379,https://[::1]:2379',
        '--advertise-client-urls=https://[fd00:4::120]:2379',
        '--initial-cluster=server=https://[fd00:4::20]:2380,server2=https://[fd00:4::120]:2380,server3=https://[fd00:4::21]:2380',
        '--client-cert-auth=true',
        '--peer-client-cert-auth=true',
        '--listen-metrics-urls=http://[fd00:4::120]:2381,http://[::1]:2381',
        '--heartbeat-interval=250',
        '--election-timeout=2500',
        '--feature-gates=InitialCorruptCheck=true,CompactHashCheck=true',
      ]),
    );
    expect(flags.join(' ')).not.toMatch(/experimental/);
    const p = plan('chapter-7', lab);
    expect(p.steps.map((s) => s.id)).toEqual([
      'etcd-binaries',
      'member-server',
      'member-server2',
      'member-server3',
      'start-server',
      'start-server2',
      'start-server3',
      'wait-for-quorum',
    ]);
    const etcdUnits = p.steps.flatMap((s) => s.actions.filter((a) => a.kind === 'unit' && a.unit === 'etcd.service').map((a) => ({ step: s.id, a })));
    expect(etcdUnits.map((u) => u.step)).toEqual(['start-server', 'start-server2', 'start-server3']);
    expect(etcdUnits.every((u) => u.a.kind === 'unit' && u.a.noBlock === true)).toBe(true);
    expect(p.steps.at(-1)!.actions[0]).toMatchObject({ kind: 'command', readOnly: true });
    // The unit is placed in the step that starts it, so a changed unit restarts the member (queued too).
    expect(p.steps.find((s) => s.id === 'start-server')!.actions[0]).toMatchObject({
      kind: 'file',
      path: '/etc/systemd/system/etcd.service',
      notify: ['etcd.service'],
    });
    expect(files(p, 'server3').map((f) => f.path)).toEqual([
      '/etc/systemd/system/etcd-defrag.service',
      '/etc/systemd/system/etcd-defrag.timer',
      '/etc/systemd/system/etcd.service',
    ]);
    expect(files(p, 'server3')[1]!.content).toContain('OnCalendar=Sun *-*-* 03:20:00');
  });

  it('etcd 3.5 (the Debian package) gets the experimental flags instead of the feature gates 3.6 has', () => {
    const lab = {
      ...labs['ipv6-ha']!,
      versions: { ...labs['ipv6-ha']!.versions, etcd: { version: 'v3.5.16', urls: [], sha256: {}, source: 'image' as const } },
    };
    const cluster = etcdCluster(lab);
    const flags = etcdFlags(cluster, cluster.members[0]!).join(' ');
    expect(flags).toContain('--experimental-initial-corrupt-check=true');
    expect(flags).not.toMatch(/feature-gates/);
  });

  it('garage (classic track, two etcd machines): members cluster over plain HTTP on their node addresses', () => {
    const cluster = etcdCluster(labs.garage!);
    expect(cluster.members.map((m) => m.peerUrl)).toEqual(['http://192.168.50.11:2380', 'http://192.168.50.12:2380']);
    expect(plan('chapter-7', labs.garage!).steps.map((s) => s.id)).toContain('wait-for-quorum');
  });

  it('staggers the weekly defragmentation ten minutes per member', () => {
    expect([0, 1, 2, 6].map(defragCalendar)).toEqual(['Sun *-*-* 03:00:00', 'Sun *-*-* 03:10:00', 'Sun *-*-* 03:20:00', 'Sun *-*-* 04:00:00']);
  });

  it('every unit file it writes passes systemd-analyze verify', () => {
    const dir = tempDir();
    for (const lab of Object.values(labs)) {
      const p = plan('chapter-7', lab);
      const host = p.steps.find((s) => s.id.startsWith('member-'))!.host;
      const units = files(p, host).filter((f) => f.path.startsWith('/etc/systemd/system/'));
      const paths = units.map((f) => {
        const path = join(dir, f.path.split('/').pop()!);
        writeFileSync(path, f.content.replace(/^ExecStart=\/usr\/local\/bin\/etcd/m, 'ExecStart=/usr/bin/etcd'));
        return path;
      });
      const result = spawnSync('systemd-analyze', ['verify', '--man=no', ...paths], { encoding: 'utf8' });
      const complaints = result.stderr.split('\n').filter((line) => line.includes(dir) || /Unknown|Invalid|Failed to parse/i.test(line));
      expect(complaints, `${lab.name}:\n${result.stderr}`).toEqual([]);
    }
  });
});
