import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckSpec } from '../../src/plan/types.js';
import { runChecks, type CheckExecutor } from '../../src/checks-runner/index.js';
import { SshPool, sshHostsFromLab } from '../../src/ssh/index.js';
import { loadLab } from '../../src/lab/load.js';
import type { Lab } from '../../src/lab/types.js';
import { labDown, labUp } from '../../lab/local/index.js';
import { sshPaths } from '../../lab/local/ssh-material.js';
import { makePki, type Pki } from '../unit/checks/pki-fixture.js';

/*
 * The check primitives on lab machines, over the real SSH pool: systemd units (which cannot run on
 * the build host), listening ports, an etcd 3.5 member from the lab image, files and certificates
 * uploaded over sftp. Each check is broken the way it exists to catch. The test boots its own
 * two-machine lab (its own name, prefixes and KTHW_HOME) so it never disturbs the shared one.
 */
const labFile = `# checks-live: two machines for the check primitives' live tests.
name: checks
track: classic
domain: checks.test
arch: amd64
networks:
  nodes: { ipv4: 10.93.0.0/24, ipv6: "fd00:93::/64" }
  hostAddress: { ipv4: 10.93.0.1, ipv6: "fd00:93::1" }
  pods: { ipv4: 10.94.0.0/16 }
  services: { ipv4: 10.95.0.0/24 }
  clusterDns: 10.95.0.10
  clusterDomain: cluster.local
  api: { name: server.checks.test, port: 6443 }
hosts:
  - name: server
    roles: [jumpbox, controller, etcd]
    addresses: { ipv4: 10.93.0.10, ipv6: "fd00:93::10" }
  - name: node-0
    roles: [worker]
    addresses: { ipv4: 10.93.0.20, ipv6: "fd00:93::20" }
    podCidr: { ipv4: 10.94.0.0/24 }
versions:
  kubectl: { version: v1.32.3, source: image }
  etcd: { version: v3.5.16, source: image }
`;
let lab: Lab;
let pool: SshPool;
let pki: Pki;
const pkiDir = mkdtempSync(join(tmpdir(), 'kthw-checks-live-'));
const execCalls: string[] = [];
const executor: CheckExecutor = {
  exec(host, script, options) {
    execCalls.push(host);
    return pool.exec(host, script, { timeoutMs: options?.timeoutMs });
  },
};

const etcdClient = 'http://127.0.0.1:12379';
const etcdPeer = 'http://127.0.0.1:12380';
const dir = '/root/kthw-checks-live';

function spec(id: string, host: string, kind: string, params: Record<string, unknown>): CheckSpec {
  return { id, title: id, host, kind, params, why: `why ${id}`, fix: `fix ${id}` };
}

async function on(host: string, command: string): Promise<string> {
  const result = await pool.exec(host, command, { timeoutMs: 60_000 });
  if (result.code !== 0) throw new Error(`${host}: ${command}: exit ${result.code}: ${result.stderr}`);
  return result.stdout;
}

async function one(host: string, kind: string, params: Record<string, unknown>) {
  const [result] = await runChecks([spec(`${kind}-live`, host, kind, params)], executor);
  return result!;
}

const home = mkdtempSync(join(tmpdir(), 'kthw-checks-live-home-'));

beforeAll(async () => {
  process.env.KTHW_HOME = home;
  writeFileSync(join(home, 'checks.yaml'), labFile);
  lab = await loadLab(join(home, 'checks.yaml'));
  await labDown(lab.name);
  await labUp(lab);
  const paths = sshPaths(lab.name);
  pool = new SshPool({ hosts: sshHostsFromLab(lab, { defaultIdentity: paths.key, knownHosts: [paths.knownHosts] }) });
  pki = makePki(pkiDir);
  await on('server', `rm -rf ${dir} && mkdir -m 0700 ${dir}`);
  for (const name of ['ca.crt', 'server.crt', 'server.key', 'admin.key']) {
    await pool.upload('server', `${dir}/${name}`, readFileSync(pki.path(name)), { mode: name.endsWith('.key') ? '0600' : '0644' });
  }
  const unit = (name: string, exec: string) =>
    pool.upload(
      'server',
      `/etc/systemd/system/${name}`,
      `[Unit]\nDescription=kthw check test\n[Service]\nExecStart=${exec}\n[Install]\nWantedBy=multi-user.target\n`,
      { mode: '0644' },
    );
  await unit('kthw-live-sleep.service', '/bin/sleep infinity');
  await unit('kthw-live-broken.service', "/bin/sh -c 'echo kthw-broken-marker: cannot bind >&2; exit 3'");
  await on('server', 'systemctl daemon-reload');
}, 600_000);

afterAll(async () => {
  await pool
    ?.exec(
      'server',
      `systemctl disable --now kthw-live-sleep.service kthw-live-broken.service kthw-live-etcd.service 2>/dev/null; systemctl reset-failed kthw-live-broken.service kthw-live-etcd.service 2>/dev/null; rm -f /etc/systemd/system/kthw-live-*.service; systemctl daemon-reload; rm -rf ${dir} /var/lib/kthw-live-etcd`,
    )
    .catch(() => undefined);
  await pool?.close();
  if (lab) await labDown(lab.name);
  rmSync(pkiDir, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

describe('check primitives live on the classic lab', () => {
  it('unit: active and enabled passes; stopped, disabled and failed units are diagnosed', async () => {
    await on('server', 'systemctl enable --now kthw-live-sleep.service');
    const good = await one('server', 'unit', { unit: 'kthw-live-sleep.service', enabled: true });
    expect(good.observed).toBe('active (running), enabled');
    expect(good.ok).toBe(true);

    await on('server', 'systemctl disable --now kthw-live-sleep.service');
    const stopped = await one('server', 'unit', { unit: 'kthw-live-sleep.service', enabled: true });
    expect(stopped.diagnosis?.found).toMatch(/^unit is inactive, expected active; unit is disabled, expected enabled/);
    expect(stopped.diagnosis?.where).toBe('server: unit kthw-live-sleep.service');

    await pool.exec('server', 'systemctl start kthw-live-broken.service');
    for (let i = 0; i < 20; i++) {
      if ((await pool.exec('server', 'systemctl is-failed --quiet kthw-live-broken.service')).code === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const broken = await one('server', 'unit', { unit: 'kthw-live-broken.service' });
    const missing = await one('server', 'unit', { unit: 'kube-apiserver.service' });
    expect(missing.diagnosis?.found).toBe('the unit is not installed (systemd has no unit file by that name)');
    expect(broken.ok).toBe(false);
    expect(broken.diagnosis?.found).toMatch(/^unit is (failed|activating), expected active; last journal lines:/);
    expect(broken.diagnosis?.found).toContain('kthw-broken-marker: cannot bind');
  });

  it('port: sshd on the node address passes; a closed port fails', async () => {
    const server = lab.hosts.find((h) => h.name === 'server')!;
    expect((await one('server', 'port', { port: 22, address: server.addresses.ipv4 })).ok).toBe(true);
    const closed = await one('server', 'port', { port: 12379 });
    expect(closed.diagnosis).toMatchObject({ found: 'nothing listens on TCP port 12379', where: 'server: port 12379' });
  });

  it('file and x509 over SSH: uploaded key and cert pass; a 0644 key and a foreign key fail', async () => {
    const caPem = pki.pem('ca.crt');
    const checks = [
      spec('key-file', 'server', 'file', { path: `${dir}/server.key`, mode: '0600', owner: 'root' }),
      spec('cert', 'server', 'x509', { path: `${dir}/server.crt`, cn: 'kubernetes', ipSans: ['127.0.0.1', 'fd00:4::4'], caPem, keyPath: `${dir}/server.key` }),
      spec('cert-ca-path', 'server', 'x509', { path: `${dir}/server.crt`, caPath: `${dir}/ca.crt` }),
    ];
    expect((await runChecks(checks, executor)).map((r) => [r.id, r.ok, r.diagnosis?.found])).toEqual([
      ['key-file', true, undefined],
      ['cert', true, undefined],
      ['cert-ca-path', true, undefined],
    ]);
    await on('server', `chmod 0644 ${dir}/server.key`);
    const loose = await one('server', 'file', { path: `${dir}/server.key`, mode: '0600' });
    expect(loose.diagnosis).toMatchObject({ found: 'mode is 0644, expected 0600', where: `server:${dir}/server.key` });
    const foreign = await one('server', 'x509', { path: `${dir}/server.crt`, keyPath: `${dir}/admin.key` });
    expect(foreign.diagnosis?.found).toBe(`the private key ${dir}/admin.key does not match the certificate's public key`);
  });

  it('etcd (the image’s etcd): health, members and leader pass; a stopped member is named', async () => {
    await on(
      'server',
      `systemd-run --unit kthw-live-etcd.service etcd --name server --data-dir /var/lib/kthw-live-etcd --listen-client-urls ${etcdClient} --advertise-client-urls ${etcdClient} --listen-peer-urls ${etcdPeer} --initial-advertise-peer-urls ${etcdPeer} --initial-cluster server=${etcdPeer}`,
    );
    const health = spec('etcd-health', 'server', 'etcd-health', { members: [{ name: 'server', clientUrl: etcdClient }] });
    let healthy = false;
    for (let i = 0; i < 40 && !healthy; i++) {
      healthy = (await runChecks([health], executor))[0]!.ok;
      if (!healthy) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(healthy).toBe(true);
    const results = await runChecks(
      [
        health,
        spec('etcd-members', 'server', 'etcd-members', { endpoints: [etcdClient], members: [{ name: 'server', peerUrls: [etcdPeer] }] }),
        spec('etcd-port', 'server', 'port', { port: 12379, address: '127.0.0.1' }),
        spec('etcd-unit', 'server', 'unit', { unit: 'kthw-live-etcd.service' }),
        spec('etcd-wrong-members', 'server', 'etcd-members', { endpoints: [etcdClient], members: [{ name: 'controller-0', peerUrls: [etcdPeer] }] }),
      ],
      executor,
    );
    expect(results.map((r) => [r.id, r.ok])).toEqual([
      ['etcd-health', true],
      ['etcd-members', true],
      ['etcd-port', true],
      ['etcd-unit', true],
      ['etcd-wrong-members', false],
    ]);
    expect(results[1]!.observed).toBe('members server; leader server');
    expect(results[4]!.diagnosis?.found).toBe(`member controller-0 is missing; unexpected member server (${etcdPeer})`);

    await on('server', 'systemctl stop kthw-live-etcd.service');
    const down = (await runChecks([health], executor))[0]!;
    expect(down.ok).toBe(false);
    expect(down.observed).toBe('0/1 members healthy, NO quorum');
    expect(down.diagnosis?.found).toBe(
      `member server (${etcdClient}) is unhealthy: connection refused (nothing listens there: etcd down or on another address)`,
    );
  });

  it('runs all checks of a host as one SSH exec, hosts in parallel', async () => {
    execCalls.length = 0;
    const specs = ['server', 'node-0'].flatMap((host) => [
      spec(`${host}-hostname`, host, 'command', { run: 'hostname', stdout: `^${host}$` }),
      spec(`${host}-sshd`, host, 'port', { port: 22 }),
      spec(`${host}-journald`, host, 'unit', { unit: 'systemd-journald.service' }),
      spec(`${host}-os`, host, 'file', { path: '/etc/os-release', contains: 'Debian' }),
    ]);
    const results = await runChecks(specs, executor);
    expect([...execCalls].sort()).toEqual(['node-0', 'server']);
    expect(results.filter((r) => !r.ok)).toEqual([]);
  });

  it('a host whose sshd refuses the connection fails its checks with the reason, the others pass', async () => {
    const server = sshHostsFromLab(lab, { defaultIdentity: sshPaths(lab.name).key, knownHosts: [sshPaths(lab.name).knownHosts] }).get('server')!;
    const refusing = new SshPool({ hosts: [{ ...server, name: 'server-wrong-port', port: 2222 }], connectTimeoutMs: 5_000 });
    const routed: CheckExecutor = {
      exec: (host, script, options) => (host === 'server-wrong-port' ? refusing.exec(host, script, options) : executor.exec(host, script, options)),
    };
    try {
      const results = await runChecks([spec('a', 'server-wrong-port', 'port', { port: 22 }), spec('b', 'server', 'port', { port: 22 })], routed);
      expect(results[0]!.ok).toBe(false);
      expect(results[0]!.diagnosis?.where).toBe('server-wrong-port');
      expect(results[0]!.diagnosis?.found).toMatch(/^cannot run checks on host server-wrong-port: .*(refused|ECONNREFUSED)/i);
      expect(results[1]!.ok).toBe(true);
    } finally {
      await refusing.close();
    }
  });
});
