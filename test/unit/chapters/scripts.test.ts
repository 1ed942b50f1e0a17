/**
 * The shell the chapters emit, run for real (sh, awk, sha256sum, openssl) on scratch files, and
 * their check specs judged through the real check primitives.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findChapter } from '../../../chapters/index.js';
import { authorizeKey, hostsUpdate, setAsideOtherKey } from '../../../chapters/03-compute-resources/index.js';
import type { Lab } from '../../../src/lab/types.js';
import { loadChapterFile, renderTemplate } from '../../../src/plan/chapter.js';
import type { FileAction } from '../../../src/plan/types.js';
import { generatePki } from '../../support/course-pki.js';
import { sh } from '../../../src/ssh/shell-quote.js';
import { otherLab, shippedLabs } from './fixtures.js';
import { runCheckHere } from './run-check.js';

let labs: Record<string, Lab>;
beforeAll(async () => {
  labs = { ...(await shippedLabs()), garage: otherLab() };
});

const scratch: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kthw-chapters-'));
  scratch.push(dir);
  return dir;
}
afterEach(() => scratch.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const run = (command: string) => spawnSync('sh', ['-c', command], { encoding: 'utf8' });

describe('chapter 3: the /etc/hosts merge', () => {
  const debianHosts = '127.0.0.1\tlocalhost\n127.0.1.1\toldname\n\n::1     localhost ip6-localhost ip6-loopback\nff02::1 ip6-allnodes\n';

  function stagedBlock(lab: Lab, host: string): string {
    const plan = findChapter('chapter-3').plan(lab, {});
    const file = plan.steps.find((s) => s.id === `hosts-${host}`)!.actions.find((a): a is FileAction => a.kind === 'file')!;
    return file.content;
  }

  it('adds the block once, points 127.0.1.1 at the FQDN, and is a no-op the second time', () => {
    const dir = tempDir();
    const [staged, target, temp] = ['hosts.block', 'hosts', 'hosts.new'].map((f) => join(dir, f)) as [string, string, string];
    const lab = labs.classic!;
    const server = lab.hosts.find((h) => h.name === 'server')!;
    writeFileSync(staged, stagedBlock(lab, 'server'));
    writeFileSync(target, debianHosts);
    const command = hostsUpdate(server, staged, target, temp);

    expect(run(command.unless).status).not.toBe(0);
    expect(run(command.run).status).toBe(0);
    const after = readFileSync(target, 'utf8');
    expect(after).toBe(
      '127.0.0.1\tlocalhost\n127.0.1.1 server.kubernetes.local server\n\n::1     localhost ip6-localhost ip6-loopback\nff02::1 ip6-allnodes\n' +
        stagedBlock(lab, 'server'),
    );
    expect(run(command.unless).status).toBe(0);
    expect(run(command.run).status).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe(after);
  });

  it('replaces an older block where it stands and keeps the lines around it', () => {
    const dir = tempDir();
    const [staged, target, temp] = ['hosts.block', 'hosts', 'hosts.new'].map((f) => join(dir, f)) as [string, string, string];
    const old = stagedBlock(labs.classic!, 'node-0');
    writeFileSync(target, `127.0.0.1 localhost\n${old}10.9.9.9 printer\n`);
    const garage = labs.garage!;
    writeFileSync(staged, stagedBlock(garage, 'wk-a'));
    const command = hostsUpdate(
      garage.hosts.find((h) => h.name === 'wk-a')!,
      staged,
      target,
      temp,
    );
    expect(run(command.unless).status).not.toBe(0);
    expect(run(command.run).status).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe(`127.0.0.1 localhost\n${stagedBlock(garage, 'wk-a')}10.9.9.9 printer\n`);
    expect(run(command.unless).status).toBe(0);
  });

  it('the hosts check passes on the merged file and fails on the old one', () => {
    const dir = tempDir();
    const lab = labs['ipv6-ha']!;
    const check = findChapter('chapter-3')
      .plan(lab, {})
      .checks.find((c) => c.id === 'etc-hosts-server2')!;
    mkdirSync(join(dir, 'etc'));
    writeFileSync(join(dir, 'etc/hosts'), debianHosts);
    expect(runCheckHere(check, dir).ok).toBe(false);
    writeFileSync(join(dir, 'staged'), stagedBlock(lab, 'server2'));
    expect(
      run(
        hostsUpdate(
          lab.hosts.find((h) => h.name === 'server2')!,
          join(dir, 'staged'),
          join(dir, 'etc/hosts'),
          join(dir, 'new'),
        ).run,
      ).status,
    ).toBe(0);
    expect(runCheckHere(check, dir)).toMatchObject({ ok: true });
  });
});

describe('chapter 3: the jumpbox key on scratch files', () => {
  const ours = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOurs jumpbox@kthw\n';

  it('authorizes the key once, on a line of its own even when the file lacks a final newline', () => {
    const dir = tempDir();
    const staged = join(dir, 'staged.pub');
    const keys = join(dir, 'ssh', 'authorized_keys');
    writeFileSync(staged, ours);
    mkdirSync(join(dir, 'ssh'));
    writeFileSync(keys, 'ssh-ed25519 AAAAtheirs learner@laptop');
    const command = authorizeKey(staged, keys);
    expect(run(command.unless).status).not.toBe(0);
    expect(run(command.run).status).toBe(0);
    expect(readFileSync(keys, 'utf8')).toBe(`ssh-ed25519 AAAAtheirs learner@laptop\n${ours}`);
    expect(run(command.unless).status).toBe(0);
    expect((statSync(keys).mode & 0o777).toString(8)).toBe('600');
  });

  it('sets a different existing key pair aside instead of overwriting it, and leaves its own alone', () => {
    const dir = tempDir();
    const staged = join(dir, 'staged.pub');
    const key = join(dir, 'id_ed25519');
    writeFileSync(staged, ours);
    const command = setAsideOtherKey(staged, key);
    expect(run(command.unless).status, 'nothing there: nothing to do').toBe(0);
    writeFileSync(key, 'learner private key');
    writeFileSync(`${key}.pub`, 'learner public key');
    expect(run(command.unless).status).not.toBe(0);
    expect(run(command.run).status).toBe(0);
    const kept = readdirSync(dir)
      .filter((f) => f.includes('.before-kthw.'))
      .sort();
    expect(kept).toHaveLength(2);
    expect(readFileSync(join(dir, kept[0]!), 'utf8')).toBe('learner private key');
    writeFileSync(key, 'kthw private key');
    writeFileSync(`${key}.pub`, ours);
    expect(run(command.unless).status, 'our own pair stays').toBe(0);
  });
});

describe('chapter 2: verify-downloads.sh', () => {
  function setUp(urls: string[], sums: string) {
    const dir = tempDir();
    const script = renderTemplate(loadChapterFile('02-jumpbox', 'templates/verify-downloads.sh.tmpl'), { jumpbox_work_dir: dir });
    writeFileSync(join(dir, 'verify-downloads.sh'), script, { mode: 0o755 });
    writeFileSync(join(dir, 'downloads.txt'), `${urls.join('\n')}\n`);
    if (sums) writeFileSync(join(dir, 'downloads.sha256'), sums);
    mkdirSync(join(dir, 'downloads'));
    return { dir, verify: () => run(sh`sh ${join(dir, 'verify-downloads.sh')}`) };
  }
  const sha = (text: string) => spawnSync('sha256sum', { input: text, encoding: 'utf8' }).stdout.split(' ')[0]!;
  const urls = ['https://example.invalid/v1/bin/kubelet', 'https://example.invalid/etcd-v3.tar.gz', 'https://example.invalid/runc.amd64'];

  it('names every missing file with the mirror hint and exits 2', () => {
    const { verify } = setUp(urls, `${sha('kubelet')}  kubelet\n`);
    const result = verify();
    expect(result.status).toBe(2);
    expect(result.stdout.split('\n')[0]).toBe('downloads: 0 of 3 present, 3 missing');
    expect(result.stdout).toContain('missing: downloads/kubelet\nmissing: downloads/etcd-v3.tar.gz\nmissing: downloads/runc.amd64\n');
    expect(result.stdout).toContain('kthw run chapter-2 --mirror DIR');
  });

  it('stops on a wrong checksum (exit 1) and passes once every file is right (exit 0)', () => {
    const { dir, verify } = setUp(urls, `${sha('kubelet bytes')}  kubelet\n${sha('etcd bytes')}  etcd-v3.tar.gz\n`);
    writeFileSync(join(dir, 'downloads/kubelet'), 'kubelet bytes');
    writeFileSync(join(dir, 'downloads/etcd-v3.tar.gz'), 'tampered');
    writeFileSync(join(dir, 'downloads/runc.amd64'), 'runc bytes');
    const bad = verify();
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('downloads: 3 of 3 present, 1 with a wrong sha256, 1 without a recorded sha256');
    expect(bad.stdout).toContain('wrong sha256: downloads/etcd-v3.tar.gz');
    writeFileSync(join(dir, 'downloads/etcd-v3.tar.gz'), 'etcd bytes');
    const good = verify();
    expect(good.status).toBe(0);
    expect(good.stdout).not.toMatch(/^(missing|hint):/m);
    expect(good.stdout).toContain('not checked: downloads/runc.amd64');
  });

  it("the plan's downloads check tolerates missing files but not corrupt ones", () => {
    const { dir } = setUp(urls.slice(0, 1), `${sha('right')}  kubelet\n`);
    const spec = findChapter('chapter-2')
      .plan(labs.classic!, {})
      .checks.find((c) => c.id === 'downloads')!;
    const here = { ...spec, params: { ...spec.params, run: String(spec.params.run).replace('/root/kubernetes-the-hard-way', dir) } };
    const missing = runCheckHere(here);
    expect(missing.ok).toBe(true);
    expect(missing.observed).toContain('downloads: 0 of 1 present, 1 missing');
    expect(missing.warning).toMatch(/missing: downloads\/kubelet\n\s*hint: .*kthw run chapter-2 --mirror DIR/);
    writeFileSync(join(dir, 'downloads/kubelet'), 'wrong');
    const corrupt = runCheckHere(here);
    expect(corrupt.ok).toBe(false);
    expect(corrupt.warning).toBeUndefined();
    expect(corrupt.diagnosis!.found).toContain('wrong sha256: downloads/kubelet');
  });
});

describe('chapter 1: its checks judged on this very machine', () => {
  const checksFor = (host: string) =>
    findChapter('chapter-1')
      .plan(labs.classic!, {})
      .checks.filter((c) => c.host === host);

  it('passes for Debian, amd64, root, memory and disk; fails for systemd, which is not PID 1 here', () => {
    const verdicts = Object.fromEntries(checksFor('server').map((c) => [c.id, runCheckHere(c)]));
    expect(verdicts['root-ssh-server']!.ok).toBe(true);
    expect(verdicts['debian-server']!.ok).toBe(true);
    expect(verdicts['arch-server']!.ok).toBe(spawnSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).stdout.trim() === 'amd64');
    expect(verdicts['memory-server']).toMatchObject({ ok: true, observed: expect.stringMatching(/KiB of memory/) as unknown });
    expect(verdicts['disk-server']).toMatchObject({ ok: true, observed: expect.stringMatching(/KiB free on \//) as unknown });
    const booted = spawnSync('sh', ['-c', 'test -d /run/systemd/system && test "$(cat /proc/1/comm)" = systemd']).status === 0;
    expect(verdicts['systemd-server']!.ok).toBe(booted);
  });

  it('the memory and disk floors fail when the machine is below them', () => {
    for (const id of ['memory-server', 'disk-server']) {
      const spec = checksFor('server').find((c) => c.id === id)!;
      const raised = { ...spec, params: { ...spec.params, run: String(spec.params.run).replace(/min=\d+/, 'min=999999999999') } };
      expect(runCheckHere(raised).ok, id).toBe(false);
    }
  });

  it('the arch check fails for a lab of the other architecture', () => {
    const arm = { ...labs.classic!, arch: 'arm64' as const };
    const spec = findChapter('chapter-1')
      .plan(arm, {})
      .checks.find((c) => c.id === 'arch-server')!;
    expect(runCheckHere(spec)).toMatchObject({ ok: false });
  });
});

describe('chapter 4: its checks against the PKI kthw generates, placed on a scratch root', () => {
  async function placeAll(lab: Lab) {
    const pki = await generatePki(lab);
    const plan = findChapter('chapter-4').plan(lab, {});
    const roots: Record<string, string> = {};
    for (const step of plan.steps.filter((s) => s.host !== 'local')) {
      const root = (roots[step.host] = tempDir());
      for (const action of step.actions) {
        if (action.kind !== 'secret-file') continue;
        const [, id, ext] = /^pki\/(.+)\.(crt|key)$/.exec(action.secret)!;
        const pair = pki[id!]!;
        mkdirSync(dirname(root + action.path), { recursive: true, mode: 0o700 });
        writeFileSync(root + action.path, ext === 'crt' ? pair.certPem : pair.keyPem);
        chmodSync(root + action.path, parseInt(action.mode, 8));
      }
    }
    return { plan, roots };
  }

  it.each(['classic', 'ipv6-ha'])('every check of the %s lab passes when the files are placed as planned', async (name) => {
    const { plan, roots } = await placeAll(labs[name]!);
    expect(plan.checks.length).toBeGreaterThan(15);
    for (const check of plan.checks) {
      const verdict = runCheckHere(check, roots[check.host]);
      expect(verdict.ok, `${check.id}: ${JSON.stringify(verdict.diagnosis)}`).toBe(true);
    }
  });

  it("catches another node's certificate, a key that does not match and a key left at 0644", async () => {
    const { plan, roots } = await placeAll(labs.classic!);
    const node0 = roots['node-0']!;
    const node1 = roots['node-1']!;
    const check = (id: string) =>
      runCheckHere(
        plan.checks.find((c) => c.id === id)!,
        id.includes('node-0') ? node0 : node1,
      );

    writeFileSync(`${node0}/var/lib/kubelet/kubelet.crt`, readFileSync(`${node1}/var/lib/kubelet/kubelet.crt`));
    const swapped = check('cert-node-0-node-0');
    expect(swapped.ok).toBe(false);
    expect(swapped.diagnosis!.found).toMatch(/subject CN is "system:node:node-1", expected "system:node:node-0"/);
    expect(swapped.diagnosis!.found).toMatch(/does not match the certificate/);

    chmodSync(`${node1}/var/lib/kubelet/kubelet.key`, 0o644);
    const loose = check('key-mode-node-1-node-1');
    expect(loose.ok).toBe(false);
    expect(loose.diagnosis!.found).toMatch(/0644/);
  });

  it('catches a certificate signed by another CA of the same name', async () => {
    const { plan, roots } = await placeAll(labs.classic!);
    const other = await generatePki(labs.classic!);
    writeFileSync(`${roots.server!}/root/kube-api-server.crt`, other['kube-api-server']!.certPem);
    writeFileSync(`${roots.server!}/root/kube-api-server.key`, other['kube-api-server']!.keyPem);
    const verdict = runCheckHere(
      plan.checks.find((c) => c.id === 'cert-server-kube-api-server')!,
      roots.server,
    );
    expect(verdict.ok).toBe(false);
    expect(verdict.diagnosis!.found).toMatch(/signature does not verify|not by the CA/);
  });
});

describe('chapter 4: the openssl commands shown for doing it by hand', () => {
  it('run for real against the ca.conf the plan places, they give certificates the CA verifies', () => {
    const lab = labs.classic!;
    const plan = findChapter('chapter-4').plan(lab, {});
    const step = plan.steps.find((s) => s.id === 'openssl-config')!;
    expect(step.host).toBe('jumpbox');
    const conf = step.actions.find((a): a is FileAction => a.kind === 'file')!;
    expect(conf.path).toBe('/root/kubernetes-the-hard-way/ca.conf');
    const dir = tempDir();
    writeFileSync(join(dir, 'ca.conf'), conf.content);
    const lines = step.why.split('```sh\n')[1]!.split('\n```')[0]!.split('\n');
    expect(lines[0]).toBe('cd /root/kubernetes-the-hard-way');
    const made = spawnSync('sh', ['-e', '-c', lines.slice(1).join('\n')], { cwd: dir, encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    const verify = spawnSync('openssl', ['verify', '-CAfile', 'ca.crt', 'admin.crt', 'node-0.crt', 'node-1.crt', 'kube-api-server.crt'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(verify.status, verify.stderr).toBe(0);
    const subject = spawnSync('openssl', ['x509', '-in', 'node-1.crt', '-noout', '-subject', '-nameopt', 'RFC2253'], { cwd: dir, encoding: 'utf8' });
    expect(subject.stdout).toMatch(/CN=system:node:node-1/);
    expect(subject.stdout).toMatch(/O=system:nodes/);
    const host = spawnSync(
      'openssl',
      ['x509', '-in', 'kube-api-server.crt', '-noout', '-checkhost', 'kubernetes.default.svc.cluster.local', '-checkip', '10.32.0.1'],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(host.stdout).not.toMatch(/does NOT match/);
    expect(host.stdout).toMatch(/Hostname kubernetes\.default\.svc\.cluster\.local does match/);
  });
});
