import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kubeconfigsOf } from '../../chapters/05-kubeconfigs/kubeconfigs.js';
import { labDown, labUp } from '../../lab/local/index.js';
import { loadLab } from '../../src/lab/load.js';
import type { Lab } from '../../src/lab/types.js';
import { runKthw } from '../support/run-kthw.js';
import { kthwOn, labVariant, sshRun, useLabHome } from './helpers.js';

/*
 * Chapters 05–07 on real machines, both tracks: the classic lab every lab test shares, and an
 * ipv6-ha lab of this file's own (name c57v6, prefix fd00:57:) so it never meets the ipv6-ha lab
 * other files boot. Then each thing the checks exist to catch is broken on purpose, and the
 * failing check and its diagnosis are asserted before the chapter repairs it.
 */
const root = resolve(import.meta.dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'kthw-ch57-'));
const v6File = labVariant(scratch, 'ipv6-ha', 'c57v6', [['fd00:4:', 'fd00:57:']]);
const v6: Lab = await loadLab(v6File);

interface CheckJson {
  id: string;
  host: string;
  ok: boolean;
  observed: string;
  warning?: string;
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

async function root$(host: string, command: string): Promise<string> {
  const result = await sshRun(v6, host, command);
  if (result.code !== 0) throw new Error(`${host}: ${command} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

function runChapters(labFile: string, upTo: number): void {
  for (let n = 1; n <= upTo; n++) {
    const run = kthw(labFile, 'run', `chapter-${n}`);
    expect(run.code, `chapter ${n}:\n${run.output.slice(-3000)}`).toBe(0);
  }
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

describe('classic lab: chapters 01–07', () => {
  it('run in order, verify passes, and a second run of 05–07 changes nothing', () => {
    const classic = inject('classicLab');
    runChapters(classic, 7);
    const all = kthw(classic, 'verify', 'all', '--until', 'chapter-7');
    expect(all.code, all.output.slice(-3000)).toBe(0);
    for (const n of [5, 6, 7]) expect(kthw(classic, 'run', `chapter-${n}`).output).toMatch(/\b0 change\(s\) made/);
    const etcd = verifyJson(classic, 'chapter-7').checks;
    expect(etcd.find((c) => c.id === 'members')!.observed).toBe('members server; leader server');
  });
});

describe('ipv6-ha lab: chapters 01–07 and what the checks catch', () => {
  it('runs chapters 01–07; three etcd members come up together over TLS and IPv6; verify passes', () => {
    runChapters(v6File, 6);
    const started = performance.now();
    const run = kthw(v6File, 'run', 'chapter-7');
    const chapter7 = performance.now() - started;
    expect(run.code, run.output.slice(-3000)).toBe(0);
    const all = kthw(v6File, 'verify', 'all', '--until', 'chapter-7');
    expect(all.code, all.output.slice(-3000)).toBe(0);
    const warm = performance.now();
    const again = verifyJson(v6File, 'chapter-7');
    const verify7 = performance.now() - warm;
    expect(again.code).toBe(0);
    expect(again.checks.find((c) => c.id === 'health')!.observed).toBe('3/3 members healthy, quorum holds');
    process.stderr.write(
      `[ch57] chapter 7 on ipv6-ha until 3/3 healthy: ${(chapter7 / 1000).toFixed(1)} s; verify chapter-7 warm: ${(verify7 / 1000).toFixed(1)} s\n`,
    );
  });

  it('the key never reaches the state file, and kubectl itself reads every kubeconfig on the jumpbox', () => {
    const labDir = join(inject('kthwHome'), v6.name);
    const config = readFileSync(join(labDir, 'secrets', 'encryption-config.yaml'), 'utf8');
    const key = /secret: (\S+)/.exec(config)![1]!;
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
    expect(readFileSync(join(labDir, 'state.json'), 'utf8')).not.toContain(key);
    const checks = verifyJson(v6File, 'chapter-5').checks.filter((c) => c.id.startsWith('kubectl-reads-'));
    // one per kubeconfig: six kubelets (the controllers are nodes too), kube-proxy, controller manager, scheduler, admin
    expect(kubeconfigsOf(v6)).toHaveLength(10);
    expect(checks.map((c) => c.id)).toHaveLength(kubeconfigsOf(v6).length);
    expect(checks.every((c) => c.ok)).toBe(true);
  });

  it('one member stopped: exactly that member is reported, the other two healthy, quorum held', async () => {
    await root$('server2', 'systemctl stop etcd');
    try {
      const { code, checks } = verifyJson(v6File, 'chapter-7');
      expect(code).toBe(1);
      const health = checks.find((c) => c.id === 'health')!;
      expect(health.observed).toBe('2/3 members healthy, quorum holds');
      expect(health.diagnosis!.found).toMatch(/member server2 \(https:\/\/\[fd00:57::120\]:2379\) is unhealthy: connection refused/);
      expect(health.diagnosis!.found).toMatch(/healthy: server, server3/);
      expect(health.diagnosis!.found).not.toMatch(/member server3|member server \(/);
      // Only checks that look at server2 fail; the cluster-wide ones still see a leader and all members.
      expect(failing(checks)).toEqual(['health', 'ionice-server2', 'metrics-server2', 'no-cert-refused-server2', 'unit-server2']);
    } finally {
      await root$('server2', 'systemctl start etcd');
    }
    expect(verifyJson(v6File, 'chapter-7').code).toBe(0);
  });

  it("a member serving another member's certificate is named with the x509 reason", async () => {
    // server2's server certificate and key (a valid pair from the same CA, for other names) on server3.
    await root$(
      'home1',
      'scp -q root@server2:/etc/etcd/server.crt root@server2:/etc/etcd/server.key /root/ && scp -q /root/server.crt /root/server.key root@server3:/etc/etcd/ && rm /root/server.crt /root/server.key',
    );
    await root$('server3', 'systemctl restart etcd');
    try {
      const { code, checks } = verifyJson(v6File, 'chapter-7');
      expect(code).toBe(1);
      const health = checks.find((c) => c.id === 'health')!;
      expect(health.observed).toBe('2/3 members healthy, quorum holds');
      expect(health.diagnosis!.found).toMatch(
        /member server3 \(https:\/\/\[fd00:57::21\]:2379\) is unhealthy: .*x509: certificate is valid for .*not fd00:57::21/,
      );
      expect(health.diagnosis!.found).not.toMatch(/member server2|member server \(/);
    } finally {
      expect(kthw(v6File, 'run', 'chapter-4').code).toBe(0);
      await root$('server3', 'systemctl restart etcd');
    }
    expect(verifyJson(v6File, 'chapter-7').code).toBe(0);
  });

  it('a kubeconfig pointing at the wrong server fails its check, names the server, and chapter 5 repairs it', async () => {
    await root$(
      'node-0',
      "kubectl config set-cluster kubernetes-the-hard-way --server='https://[fd00:57::99]:6443' --kubeconfig=/var/lib/kubelet/kubeconfig >/dev/null",
    );
    const { code, checks } = verifyJson(v6File, 'chapter-5');
    expect(code).toBe(1);
    expect(failing(checks)).toEqual(['kubeconfig-node-0-node-0']);
    const check = checks.find((c) => c.id === 'kubeconfig-node-0-node-0')!;
    expect(check.diagnosis!.found).toBe('server is https://[fd00:57::99]:6443, expected https://[fd00:57::4]:6443');
    expect(check.diagnosis!.where).toBe('node-0:/var/lib/kubelet/kubeconfig');
    const repair = kthw(v6File, 'run', 'chapter-5');
    expect(repair.code).toBe(0);
    expect(repair.output).toMatch(/1 change\(s\) made/);
  });

  it('an encryption key that differs on one controller is named, without the key in the output', async () => {
    const other = randomBytes(32).toString('base64');
    await root$('server2', `sed -i 's|secret: .*|secret: ${other}|' /root/encryption-config.yaml`);
    const result = runKthw(['--lab', v6File, '--json', 'verify', 'chapter-6'], { env: { KTHW_HOME: inject('kthwHome') } });
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).not.toContain(other);
    const checks = (JSON.parse(result.stdout) as { chapters: Array<{ checks: CheckJson[] }> }).chapters[0]!.checks;
    // Still a well-formed 32-byte aescbc key on server2: only the comparison across controllers fails.
    expect(failing(checks)).toEqual(['same-key-everywhere']);
    expect(checks.find((c) => c.id === 'same-key-everywhere')!.diagnosis!.found).toMatch(/differs from server: server2\b/);
    expect(kthw(v6File, 'run', 'chapter-6').code).toBe(0);
    expect(verifyJson(v6File, 'chapter-6').code).toBe(0);
  });
});
