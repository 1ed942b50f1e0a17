/**
 * The release mirror built from source (the global setup built it, or found it cached): every file
 * chapter 02 expects, with correct .sha256 files and the pinned release stamped into each binary;
 * then chapter 02 live on the classic lab, which finds the mirror without a flag, copies and checks
 * every download, and installs the built kubectl; a corrupt download and a mirror whose checksum
 * disagrees are each caught.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureBinaries, missingFromMirror, type Binaries } from '../../lab/local/index.js';
import { readRecord } from '../../lab/local/runtime-record.js';
import { loadLab } from '../../src/lab/load.js';
import type { Lab } from '../../src/lab/types.js';
import { runKthw } from '../support/run-kthw.js';
import { sshRun, useLabHome } from './helpers.js';

let lab: Lab;
let labFile: string;
let mirror: Binaries;
const temps: string[] = [];
const kthw = (args: string[]) => runKthw(['--lab', labFile, ...args], { env: { KTHW_HOME: inject('kthwHome') } });
const ssh = async (host: string, command: string) => {
  const result = await sshRun(lab, host, command);
  expect(result.code, `${host}: ${command}\n${result.stderr}`).toBe(0);
  return result.stdout;
};
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const tarList = (path: string) => execFileSync('tar', ['-tzf', path], { encoding: 'utf8' }).trim().split('\n').sort();

beforeAll(async () => {
  useLabHome();
  labFile = inject('classicLab');
  lab = await loadLab(labFile);
  mirror = await ensureBinaries();
});
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('the release mirror built from source', () => {
  it('holds every file chapter 02 downloads, each with its sha256 beside it', () => {
    expect(missingFromMirror(lab, mirror.dir)).toEqual([]);
    const entries = readdirSync(mirror.dir).sort();
    expect(entries).toEqual([...mirror.files, ...mirror.files.map((f) => `${f}.sha256`)].sort());
    for (const file of mirror.files) expect(readFileSync(join(mirror.dir, `${file}.sha256`), 'utf8').trim(), file).toBe(sha256(join(mirror.dir, file)));
  });

  it('stamps the pinned release into every Kubernetes binary', () => {
    const { kubernetes } = mirror.versions;
    expect(kubernetes).toBe(lab.versions.kubernetes!.version);
    for (const name of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kube-proxy', 'kubelet']) {
      expect(execFileSync(join(mirror.dir, name), ['--version'], { encoding: 'utf8' }).trim(), name).toBe(`Kubernetes ${kubernetes}`);
    }
    const { clientVersion: client } = JSON.parse(execFileSync(join(mirror.dir, 'kubectl'), ['version', '--client', '-o', 'json'], { encoding: 'utf8' })) as {
      clientVersion: Record<string, string>;
    };
    expect(client).toMatchObject({ gitVersion: kubernetes, major: '1', minor: kubernetes.split('.')[1], gitTreeState: 'archive' });
  });

  it("lays etcd and crictl out as upstream's archives and stamps their versions", () => {
    const { etcd, crictl } = mirror.versions;
    const etcdDir = `etcd-${etcd}-linux-amd64`;
    const etcdTar = join(mirror.dir, `${etcdDir}.tar.gz`);
    expect(tarList(etcdTar)).toEqual(
      [`${etcdDir}/`, ...['README-etcdctl.md', 'README-etcdutl.md', 'etcd', 'etcdctl', 'etcdutl'].map((f) => `${etcdDir}/${f}`)].sort(),
    );
    const crictlTar = join(mirror.dir, `crictl-${crictl}-linux-amd64.tar.gz`);
    expect(tarList(crictlTar)).toEqual(['crictl']);
    const out = mkdtempSync(join(tmpdir(), 'kthw-unpack-'));
    temps.push(out);
    execFileSync('tar', ['-xzf', etcdTar, '-C', out]);
    execFileSync('tar', ['-xzf', crictlTar, '-C', out]);
    const bare = etcd.replace(/^v/, '');
    expect(execFileSync(join(out, etcdDir, 'etcd'), ['--version'], { encoding: 'utf8' })).toMatch(
      new RegExp(`^etcd Version: ${bare}\\n(.|\\n)*Git SHA: GitNotFound`),
    );
    expect(execFileSync(join(out, etcdDir, 'etcdctl'), ['version'], { encoding: 'utf8' })).toContain(`etcdctl version: ${bare}`);
    expect(execFileSync(join(out, etcdDir, 'etcdutl'), ['version'], { encoding: 'utf8' })).toContain(`etcdutl version: ${bare}`);
    expect(execFileSync(join(out, 'crictl'), ['--version'], { encoding: 'utf8' }).trim()).toBe(`crictl version ${crictl.replace(/^v/, '')}`);
  });

  it('is cached: asking again builds nothing and names the same directory', async () => {
    const again = await ensureBinaries();
    expect(again).toMatchObject({ dir: mirror.dir, built: false });
  });
});

describe('chapter 02 on the classic lab with the built mirror', () => {
  it('the running local lab records the mirror as its default parameter (with the pod images and that its machines are local)', () => {
    const params = readRecord(lab.name)?.params;
    expect(params).toMatchObject({ mirror: mirror.dir, machines: 'local' });
    expect(params?.images).toMatch(/^\//);
  });

  it('copies every download without a flag, checks each sha256, and installs the built kubectl', async () => {
    const run = kthw(['run', 'chapter-2', '--json']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, failed: 0 });
    const report = await ssh('jumpbox', 'sh /root/kubernetes-the-hard-way/verify-downloads.sh');
    expect(report.trim()).toBe(`downloads: ${mirror.files.length} of ${mirror.files.length} present`);
    expect(await ssh('jumpbox', 'command -v kubectl')).toBe('/usr/local/bin/kubectl\n');
    expect(await ssh('jumpbox', 'kubectl version --client')).toContain(`Client Version: ${mirror.versions.kubernetes}`);
    expect((await ssh('jumpbox', '/root/kubernetes-the-hard-way/downloads/kube-apiserver --version')).trim()).toBe(`Kubernetes ${mirror.versions.kubernetes}`);
    expect(JSON.parse(kthw(['run', 'chapter-2', '--json']).stdout)).toMatchObject({ ok: true, changed: 0 });
  });

  it('a download damaged on the jumpbox fails the downloads check, and running the chapter again repairs it', async () => {
    await ssh('jumpbox', 'printf broken >> /root/kubernetes-the-hard-way/downloads/kubelet');
    const verify = kthw(['verify', 'chapter-2', '--json']);
    expect(verify.code).toBe(1);
    const checks = (JSON.parse(verify.stdout) as { chapters: Array<{ checks: Array<{ id: string; ok: boolean; observed: string }> }> }).chapters.flatMap(
      (c) => c.checks,
    );
    const bad = checks.filter((c) => !c.ok);
    expect(bad.map((c) => c.id)).toEqual(['downloads']);
    expect(bad[0]!.observed).toContain(`downloads: ${mirror.files.length} of ${mirror.files.length} present, 1 with a wrong sha256`);
    expect(await sshRun(lab, 'jumpbox', 'sh /root/kubernetes-the-hard-way/verify-downloads.sh')).toMatchObject({
      code: 1,
      stdout: expect.stringContaining('wrong sha256: downloads/kubelet') as unknown,
    });
    expect(kthw(['run', 'chapter-2']).code).toBe(0);
    expect(kthw(['verify', 'chapter-2']).code).toBe(0);
  });

  it("a mirror file that disagrees with the mirror's .sha256 is refused before it reaches the jumpbox", async () => {
    const bad = mkdtempSync(join(tmpdir(), 'kthw-bad-mirror-'));
    temps.push(bad);
    for (const file of mirror.files) {
      symlinkSync(join(mirror.dir, file), join(bad, file));
      copyFileSync(join(mirror.dir, `${file}.sha256`), join(bad, `${file}.sha256`));
    }
    writeFileSync(join(bad, 'kube-proxy.sha256'), `${'0'.repeat(64)}\n`);
    const before = await ssh('jumpbox', 'sha256sum < /root/kubernetes-the-hard-way/downloads/kube-proxy');
    const run = kthw(['run', 'chapter-2', '--mirror', bad]);
    expect(run.code).not.toBe(0);
    expect(run.stdout + run.stderr).toContain(`but the mirror's kube-proxy.sha256 pins ${'0'.repeat(64)}`);
    expect(await ssh('jumpbox', 'sha256sum < /root/kubernetes-the-hard-way/downloads/kube-proxy')).toBe(before);
    // back to the built mirror (the chapter's own parameter now names it)
    expect(kthw(['run', 'chapter-2', '--mirror', mirror.dir]).code).toBe(0);
  });
});
