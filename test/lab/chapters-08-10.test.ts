/**
 * Chapters 08 and 10 on real machines, both tracks, with the Kubernetes binaries built from their Go
 * modules (chapter 02 copies them from the mirror: KTHW_TEST_MIRROR when set, else the one the local
 * lab finds by itself). The classic lab every lab test shares, and an ipv6-ha lab of this file's
 * own (c810v6, prefix fd00:81:). Then each thing the checks exist to catch is broken on purpose on one
 * controller; the check made for it fails with its diagnosis, no unrelated check fails, and running
 * the chapter again repairs it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { labDown, labSshArgs, labUp } from '../../lab/local/index.js';
import { loadLab } from '../../src/lab/load.js';
import type { Lab } from '../../src/lab/types.js';
import { runKthw } from '../support/run-kthw.js';
import { exec, kthwOn, labVariant, useLabHome } from './helpers.js';

const root = resolve(import.meta.dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'kthw-ch810-'));
const v6File = labVariant(scratch, 'ipv6-ha', 'c810v6', [['fd00:4:', 'fd00:81:']]);
const v6: Lab = await loadLab(v6File);
/**
 * KTHW_TEST_MIRROR: a directory holding the built control-plane binaries only (a partial mirror, as
 * while the rest is still building): they are put into the jumpbox's downloads/ as the learner would
 * copy them by hand, and chapter 02 then finds them there. Without it, chapter 02 uses the mirror the
 * local lab finds by itself.
 */
const partialMirror = process.env.KTHW_TEST_MIRROR;
const controlPlaneBinaries = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl'];

function fillDownloads(lab: Lab): void {
  if (!partialMirror) return;
  const jumpbox = lab.hosts.find((h) => h.roles.includes('jumpbox'))!.name;
  for (const binary of controlPlaneBinaries) {
    const [ssh, ...args] = labSshArgs(
      lab,
      jumpbox,
      `cat > /root/kubernetes-the-hard-way/downloads/${binary} && chmod 0755 /root/kubernetes-the-hard-way/downloads/${binary}`,
    );
    const copied = spawnSync(ssh!, ['-o', 'BatchMode=yes', ...args], { input: readFileSync(join(partialMirror, binary)), timeout: 120_000 });
    expect(copied.status, `${binary}: ${String(copied.stderr)}`).toBe(0);
  }
}

interface CheckJson {
  id: string;
  host: string;
  ok: boolean;
  observed: string;
  diagnosis?: { found: string; where: string };
}

const kthw = kthwOn;

function verifyJson(labFile: string, chapter: string): { code: number | null; checks: CheckJson[] } {
  const result = runKthw(['--lab', labFile, '--json', 'verify', chapter], { env: { KTHW_HOME: inject('kthwHome') } });
  const doc = JSON.parse(result.stdout) as { chapters: Array<{ checks: CheckJson[] }> };
  return { code: result.code, checks: doc.chapters.flatMap((c) => c.checks) };
}

const failing = (checks: CheckJson[]) =>
  checks
    .filter((c) => !c.ok)
    .map((c) => c.id)
    .sort();
const found = (checks: CheckJson[], id: string) => checks.find((c) => c.id === id)!.diagnosis?.found ?? '';

async function on(lab: Lab, host: string, command: string, timeoutMs = 60_000): Promise<string> {
  const [ssh, ...args] = labSshArgs(lab, host, command);
  const result = await exec(ssh!, ['-o', 'BatchMode=yes', ...args], timeoutMs);
  if (result.code !== 0) throw new Error(`${host}: ${command} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

function run(labFile: string, chapter: string, ...extra: string[]): string {
  const result = kthw(labFile, 'run', chapter, ...extra);
  expect(result.code, `${chapter}:\n${result.output.slice(-4000)}`).toBe(0);
  return result.output;
}

async function runUpTo(labFile: string, chapters: number[]): Promise<void> {
  const lab = await loadLab(labFile);
  for (const n of chapters) {
    run(labFile, `chapter-${n}`);
    // chapter 02 again once the binaries are in downloads/: it installs kubectl from there
    if (n === 2 && partialMirror) {
      fillDownloads(lab);
      run(labFile, 'chapter-2');
    }
  }
}

/** Waits until the API server on the host answers ready again (after a restart the test caused). */
async function readyAgain(lab: Lab, host: string): Promise<void> {
  const url = lab.track === 'ipv6-ha' ? 'https://[::1]:6443/readyz' : 'https://127.0.0.1:6443/readyz';
  await on(
    lab,
    host,
    `i=0; until curl -fsS --max-time 3 --cacert /var/lib/kubernetes/ca.crt ${url} >/dev/null 2>&1; do i=$((i+1)); [ $i -lt 150 ] || exit 1; sleep 1; done`,
    200_000,
  );
}

/** Verify until `settled` holds (leases and restarts take some seconds), at most about a minute. */
async function verifyUntil(labFile: string, chapter: string, settled: (checks: CheckJson[]) => boolean): Promise<{ code: number | null; checks: CheckJson[] }> {
  let last = verifyJson(labFile, chapter);
  for (let i = 0; i < 12 && !settled(last.checks); i++) {
    await new Promise((r) => setTimeout(r, 5000));
    last = verifyJson(labFile, chapter);
  }
  return last;
}

/**
 * Edits a unit on the host with sed, reloads systemd and starts the unit afresh (killed first: the
 * test needs no graceful shutdown, which may take the API server a minute).
 */
async function breakUnit(lab: Lab, host: string, unit: string, sedScript: string): Promise<void> {
  await on(
    lab,
    host,
    `sed -i '${sedScript}' /etc/systemd/system/${unit}.service && systemctl daemon-reload && systemctl kill -s KILL ${unit}; sleep 1; systemctl restart ${unit}`,
    120_000,
  );
}

beforeAll(async () => {
  useLabHome();
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  await labDown(v6.name);
  await labUp(v6);
});

afterAll(async () => {
  await labDown(v6.name);
  rmSync(scratch, { recursive: true, force: true });
});

describe('classic lab: the control plane and remote kubectl', () => {
  let classic: string;
  let lab: Lab;
  beforeAll(async () => {
    classic = inject('classicLab');
    lab = await loadLab(classic);
  });

  it('chapters 01–08 and 10 run, verify passes, and a second run of 08 and 10 changes nothing', async () => {
    await runUpTo(classic, [1, 2, 3, 4, 5, 6, 7, 8, 10]);
    for (const chapter of ['chapter-8', 'chapter-10']) {
      const result = kthw(classic, 'verify', chapter);
      expect(result.code, result.output.slice(-4000)).toBe(0);
      expect(run(classic, chapter)).toMatch(/\b0 change\(s\) made/);
    }
    const checks = verifyJson(classic, 'chapter-8').checks;
    expect(checks.find((c) => c.id === 'secret-encrypted-server')!.observed).toMatch(/k8s:enc:aescbc:v1:key1:/);
    expect(checks.find((c) => c.id === 'leader-kube-scheduler')!.observed).toMatch(/held by server, renewed/);
    const version = verifyJson(classic, 'chapter-10').checks.find((c) => c.id === 'kubectl-version-local')!;
    expect(version.ok).toBe(true);
  });

  it('a stopped scheduler: its unit and, once its lease runs out, the scheduler lease fail; chapter 8 starts it again', async () => {
    await on(lab, 'server', 'systemctl stop kube-scheduler');
    try {
      const { code, checks } = await verifyUntil(classic, 'chapter-8', (c) => failing(c).includes('leader-kube-scheduler'));
      expect(code).toBe(1);
      expect(failing(checks)).toEqual(['leader-kube-scheduler', 'unit-kube-scheduler-server']);
      // a scheduler stopped by systemd lets its lease go; one killed outright would leave it to expire
      expect(found(checks, 'leader-kube-scheduler')).toMatch(/nobody holds the lease|held by server, but not renewed for \d+s/);
    } finally {
      run(classic, 'chapter-8');
    }
    expect((await verifyUntil(classic, 'chapter-8', (c) => failing(c).length === 0)).code).toBe(0);
  });

  it("kubectl on the jumpbox pointed elsewhere fails both chapter 10 checks there, not this machine's", async () => {
    await on(lab, 'jumpbox', 'kubectl config set-cluster kubernetes-the-hard-way --server=https://10.240.0.99:6443 >/dev/null');
    try {
      const { code, checks } = verifyJson(classic, 'chapter-10');
      expect(code).toBe(1);
      expect(failing(checks)).toEqual(['kubeconfig-jumpbox', 'kubectl-version-jumpbox']);
      expect(found(checks, 'kubeconfig-jumpbox')).toMatch(/server is https:\/\/10\.240\.0\.99:6443, expected https:\/\/server\.kubernetes\.local:6443/);
    } finally {
      run(classic, 'chapter-10');
    }
    expect(verifyJson(classic, 'chapter-10').code).toBe(0);
  });
});

describe('ipv6-ha lab: three API servers and what the checks catch', () => {
  it('chapters 01–08 and 10 run; every API server ready, one leader each; verify passes; a second run changes nothing', async () => {
    const started = performance.now();
    await runUpTo(v6File, [1, 2, 3, 4, 5, 6, 7]);
    const before8 = performance.now();
    run(v6File, 'chapter-8');
    const chapter8 = performance.now() - before8;
    run(v6File, 'chapter-10');
    for (const chapter of ['chapter-8', 'chapter-10']) {
      const result = kthw(v6File, 'verify', chapter);
      expect(result.code, result.output.slice(-4000)).toBe(0);
      expect(run(v6File, chapter)).toMatch(/\b0 change\(s\) made/);
    }
    const checks = verifyJson(v6File, 'chapter-8').checks;
    for (const host of ['server', 'server2', 'server3'])
      expect(checks.find((c) => c.id === `secret-encrypted-${host}`)!.observed).toMatch(/^exit 0: k8s:enc:aescbc:v1:key1:/);
    process.stderr.write(
      `[ch810] ipv6-ha chapters 1-7: ${((before8 - started) / 1000).toFixed(0)} s; chapter 8 (3 API servers ready): ${(chapter8 / 1000).toFixed(0)} s\n`,
    );
  });

  it("an API server pointed at a wrong etcd CA: the etcd client check shows etcd's refusal", async () => {
    await on(
      v6,
      'server2',
      'openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /root/wrong-ca.key -out /root/wrong-ca.crt -subj /CN=wrong-ca -days 1 2>/dev/null',
    );
    try {
      await breakUnit(v6, 'server2', 'kube-apiserver', 's|--etcd-cafile=[^ ]*|--etcd-cafile=/root/wrong-ca.crt|');
      const { code, checks } = verifyJson(v6File, 'chapter-8');
      expect(code).toBe(1);
      expect(failing(checks)).toContain('etcd-client-server2');
      expect(found(checks, 'etcd-client-server2')).toMatch(/--etcd-cafile=\/root\/wrong-ca\.crt/);
      expect(found(checks, 'etcd-client-server2')).toMatch(/certificate/i);
      // What a down API server takes with it on its own machine, and nothing on the others.
      const allowed = ['etcd-client-server2', 'readyz-server2', 'unit-kube-apiserver-server2', 'secret-encrypted-server2', 'serving-cert-server2'];
      expect(failing(checks).filter((id) => !allowed.includes(id))).toEqual([]);
    } finally {
      run(v6File, 'chapter-8');
    }
    expect((await verifyUntil(v6File, 'chapter-8', (c) => failing(c).length === 0)).code).toBe(0);
  });

  it('an API server without its encryption config: the flag check and the Secret read back from etcd fail, nothing else', async () => {
    try {
      await breakUnit(v6, 'server2', 'kube-apiserver', '/--encryption-provider-config/d');
      // Without the key it cannot read the Secrets already encrypted, so its informers never sync and it never gets ready.
      const { code, checks } = await verifyUntil(v6File, 'chapter-8', (c) => failing(c).includes('encryption-config-server2'));
      expect(code).toBe(1);
      expect(failing(checks)).toContain('encryption-config-server2');
      expect(found(checks, 'encryption-config-server2')).toMatch(/runs without --encryption-provider-config/);
      const allowed = ['encryption-config-server2', 'secret-encrypted-server2', 'readyz-server2'];
      expect(failing(checks).filter((id) => !allowed.includes(id))).toEqual([]);
    } finally {
      run(v6File, 'chapter-8');
    }
    expect((await verifyUntil(v6File, 'chapter-8', (c) => failing(c).length === 0)).code).toBe(0);
  });

  it("a service range that differs from the lab's fails the service range check alone", async () => {
    try {
      await breakUnit(v6, 'server2', 'kube-apiserver', 's|--service-cluster-ip-range=[^ ]*|--service-cluster-ip-range=fd00:81:33::/112|');
      await readyAgain(v6, 'server2');
      const { code, checks } = verifyJson(v6File, 'chapter-8');
      expect(code).toBe(1);
      expect(failing(checks)).toEqual(['service-range-server2']);
      expect(found(checks, 'service-range-server2')).toMatch(/kube-apiserver: --service-cluster-ip-range is fd00:81:33::\/112, the lab's is fd00:81:32::\/112/);
    } finally {
      run(v6File, 'chapter-8');
    }
    expect((await verifyUntil(v6File, 'chapter-8', (c) => failing(c).length === 0)).code).toBe(0);
  });

  it('a serving certificate without the VIP and the first service IP fails the served-certificate check alone', async () => {
    try {
      // Signed by the lab's CA, so everything else still trusts it; only the two names are missing.
      await on(
        v6,
        'server2',
        'cd /var/lib/kubernetes && openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /root/narrow.key -subj /CN=kubernetes ' +
          "-addext 'subjectAltName=DNS:server2,DNS:lab-k8s,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:fd00:81::120,IP:::1,IP:127.0.0.1' " +
          "-addext 'extendedKeyUsage=serverAuth,clientAuth' 2>/dev/null | openssl x509 -req -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -copy_extensions copy -out /root/narrow.crt 2>/dev/null " +
          '&& install -m 0644 /root/narrow.crt kube-api-server.crt && install -m 0600 /root/narrow.key kube-api-server.key && { systemctl kill -s KILL kube-apiserver; sleep 1; systemctl restart kube-apiserver; }',
      );
      await readyAgain(v6, 'server2');
      const { code, checks } = verifyJson(v6File, 'chapter-8');
      expect(code).toBe(1);
      expect(failing(checks)).toEqual(['serving-cert-server2']);
      expect(found(checks, 'serving-cert-server2')).toMatch(/fd00:81::4 does NOT match/);
    } finally {
      run(v6File, 'chapter-8');
    }
    expect((await verifyUntil(v6File, 'chapter-8', (c) => failing(c).length === 0)).code).toBe(0);
  });

  it('a controller manager without the service account key fails its key check alone', async () => {
    try {
      await breakUnit(v6, 'server2', 'kube-controller-manager', '/--service-account-private-key-file/d');
      const { code, checks } = verifyJson(v6File, 'chapter-8');
      expect(code).toBe(1);
      expect(failing(checks)).toEqual(['controller-manager-keys-server2']);
      expect(found(checks, 'controller-manager-keys-server2')).toMatch(/kube-controller-manager runs without --service-account-private-key-file/);
    } finally {
      run(v6File, 'chapter-8');
    }
    expect((await verifyUntil(v6File, 'chapter-8', (c) => failing(c).length === 0)).code).toBe(0);
  });

  it('a stopped scheduler on one controller: its unit fails, and another scheduler holds the lease', async () => {
    await on(v6, 'server2', 'systemctl stop kube-scheduler');
    try {
      const { code, checks } = await verifyUntil(v6File, 'chapter-8', (c) => !failing(c).includes('leader-kube-scheduler'));
      expect(code).toBe(1);
      expect(failing(checks)).toEqual(['unit-kube-scheduler-server2']);
      expect(checks.find((c) => c.id === 'leader-kube-scheduler')!.observed).toMatch(/held by (server|server3), renewed/);
    } finally {
      run(v6File, 'chapter-8');
    }
    expect(verifyJson(v6File, 'chapter-8').code).toBe(0);
  });
});
