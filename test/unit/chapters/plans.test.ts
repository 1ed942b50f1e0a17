import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { chapters, findChapter } from '../../../chapters/index.js';
import { getPrimitive } from '../../../checks/index.js';
import type { Lab } from '../../../src/lab/types.js';
import type { Action, FileAction, Plan } from '../../../src/plan/types.js';
import { otherLab, shippedLabs } from './fixtures.js';

let labs: Record<string, Lab>;
beforeAll(async () => {
  labs = { ...(await shippedLabs()), garage: otherLab() };
});

const plan = (id: string, lab: Lab, params: Record<string, string> = {}) => findChapter(id).plan(lab, params);
const actions = (p: Plan): Action[] => p.steps.flatMap((s) => s.actions);
const commands = (p: Plan): string[] => actions(p).flatMap((a) => (a.kind === 'command' ? [a.run, ...(a.unless ? [a.unless] : [])] : []));
const fileAt = (p: Plan, host: string, path: string) =>
  p.steps
    .filter((s) => s.host === host)
    .flatMap((s) => s.actions)
    .find((a): a is FileAction => a.kind === 'file' && a.path === path);

describe('the chapter registry', () => {
  it('lists the chapters in order with stable ids and slugs', () => {
    expect(chapters.map((c) => [c.meta.id, c.meta.number, c.meta.slug])).toEqual([
      ['chapter-1', 1, '01-prerequisites'],
      ['chapter-2', 2, '02-jumpbox'],
      ['chapter-3', 3, '03-compute-resources'],
      ['chapter-4', 4, '04-certificate-authority'],
      ['chapter-5', 5, '05-kubeconfigs'],
      ['chapter-6', 6, '06-data-encryption'],
      ['chapter-7', 7, '07-etcd'],
      ['chapter-8', 8, '08-bootstrapping-control-plane'],
      ['chapter-9', 9, '09-bootstrapping-worker-nodes'],
      ['chapter-10', 10, '10-configuring-kubectl'],
      ['chapter-11', 11, '11-pod-network-routes'],
      ['chapter-12', 12, '12-smoke-test'],
      ['chapter-13', 13, '13-cleanup'],
    ]);
  });

  it('finds a chapter by id, number or slug and refuses an unknown one', () => {
    expect(findChapter('4').meta.id).toBe('chapter-4');
    expect(findChapter('02-jumpbox').meta.id).toBe('chapter-2');
    expect(() => findChapter('chapter-99')).toThrow(/no chapter "chapter-99"/);
  });
});

describe.each(['classic', 'ipv6-ha', 'garage'])('plans for the %s lab', (name) => {
  it.each(chapters.map((c) => c.meta.id))('%s is plain data with unique ids, known hosts and valid check params', (id) => {
    const lab = labs[name]!;
    const p = plan(id, lab);
    expect(p.chapter).toBe(id);
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
    const hosts = new Set([...lab.hosts.map((h) => h.name), 'local']);
    expect(new Set(p.steps.map((s) => s.id)).size).toBe(p.steps.length);
    expect(new Set(p.checks.map((c) => c.id)).size).toBe(p.checks.length);
    for (const step of p.steps) {
      expect(hosts.has(step.host), step.id).toBe(true);
      expect(step.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(step.why.length).toBeGreaterThan(20);
    }
    for (const check of p.checks) {
      expect(hosts.has(check.host), check.id).toBe(true);
      expect(check.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(() => getPrimitive(check.kind).parse(check.params), check.id).not.toThrow();
    }
    // Plans never carry key material.
    expect(JSON.stringify(p)).not.toMatch(/PRIVATE KEY/);
  });

  it('is the same plan every time (pure)', () => {
    for (const c of chapters) expect(c.plan(labs[name]!, {})).toEqual(c.plan(labs[name]!, {}));
  });

  it('chapter 1 checks every machine for Debian, systemd, the lab arch, memory, disk and root SSH', () => {
    const lab = labs[name]!;
    const p = plan('chapter-1', lab);
    for (const host of lab.hosts) {
      const ids = p.checks.filter((c) => c.host === host.name).map((c) => c.id.replace(`-${host.name}`, ''));
      expect(ids.sort()).toEqual(['arch', 'debian', 'disk', 'memory', 'root-ssh', 'systemd']);
    }
    const arch = p.checks.find((c) => c.id.startsWith('arch-'))!;
    expect(arch.params.stdout).toBe(`^${lab.arch}$`);
  });

  it('chapter 3 names every machine, gives each the lab block and lets the jumpbox in everywhere', () => {
    const lab = labs[name]!;
    const p = plan('chapter-3', lab);
    const jumpbox = lab.hosts.find((h) => h.roles.includes('jumpbox'))!;
    for (const host of lab.hosts) {
      expect(fileAt(p, host.name, '/etc/hostname')!.content).toBe(`${host.name}\n`);
      const block = fileAt(p, host.name, '/var/lib/kthw/hosts')!.content;
      for (const other of lab.hosts) expect(block).toContain(`${other.fqdn} ${other.name}\n`);
    }
    const others = lab.hosts.filter((h) => h !== jumpbox);
    expect(p.steps.filter((s) => s.id.startsWith('authorize-jumpbox-')).map((s) => s.host)).toEqual(others.map((h) => h.name));
    expect(p.checks.filter((c) => c.id.startsWith('ssh-from-jumpbox-')).map((c) => c.host)).toEqual(others.map(() => jumpbox.name));
    const keygen = p.steps.find((s) => s.id === 'jumpbox-key')!;
    expect(keygen).toMatchObject({ host: 'local', actions: [{ kind: 'generate', generator: 'ssh-key', items: ['jumpbox'] }] });
    const identity = p.steps.find((s) => s.id === 'jumpbox-identity')!;
    expect(identity.host).toBe(jumpbox.name);
    expect(identity.actions).toContainEqual(
      expect.objectContaining({ kind: 'secret-file', path: '/root/.ssh/id_ed25519', mode: '0600', secret: 'ssh/jumpbox_ed25519' }),
    );
  });

  it('chapter 4 generates every profile on local and places files only on the hosts the profiles name', () => {
    const lab = labs[name]!;
    const p = plan('chapter-4', lab);
    const generate = p.steps[0]!;
    expect(generate).toMatchObject({ host: 'local', actions: [{ kind: 'generate', generator: 'pki' }] });
    const placed = actions(p).filter((a) => a.kind === 'secret-file');
    for (const file of placed) {
      if (file.kind !== 'secret-file') continue;
      expect(file.secret).toMatch(/^pki\/[a-z0-9.-]+\.(crt|key)$/);
      expect(file.mode).toBe(file.secret.endsWith('.key') ? '0600' : '0644');
    }
    for (const worker of lab.hosts.filter((h) => h.roles.includes('worker'))) {
      const step = p.steps.find((s) => s.id === `distribute-${worker.name}`)!;
      expect(step.actions.filter((a) => a.kind === 'secret-file').map((a) => a.kind === 'secret-file' && [a.path, a.secret])).toEqual([
        ['/var/lib/kubelet/ca.crt', 'pki/ca.crt'],
        ['/var/lib/kubelet/kubelet.crt', `pki/${worker.name}.crt`],
        ['/var/lib/kubelet/kubelet.key', `pki/${worker.name}.key`],
      ]);
      const cert = p.checks.find((c) => c.id === `cert-${worker.name}-${worker.name}`)!;
      expect(cert.params).toMatchObject({
        path: '/var/lib/kubelet/kubelet.crt',
        cn: `system:node:${worker.name}`,
        o: ['system:nodes'],
        caPath: '/var/lib/kubelet/ca.crt',
        keyPath: '/var/lib/kubelet/kubelet.key',
      });
      expect(p.checks.find((c) => c.id === `key-mode-${worker.name}-${worker.name}`)!.params).toMatchObject({ mode: '0600' });
    }
  });
});

describe('the classic lab against upstream KTHW v1.32 (facts)', () => {
  it('chapter 2 lists the eight amd64 downloads of the release built from source (the image ships containerd, runc, CNI)', () => {
    const list = fileAt(plan('chapter-2', labs.classic!), 'jumpbox', '/root/kubernetes-the-hard-way/downloads.txt')!;
    expect(list.content.trim().split('\n')).toEqual([
      'https://dl.k8s.io/v1.36.3/bin/linux/amd64/kubectl',
      'https://dl.k8s.io/v1.36.3/bin/linux/amd64/kube-apiserver',
      'https://dl.k8s.io/v1.36.3/bin/linux/amd64/kube-controller-manager',
      'https://dl.k8s.io/v1.36.3/bin/linux/amd64/kube-scheduler',
      'https://dl.k8s.io/v1.36.3/bin/linux/amd64/kube-proxy',
      'https://dl.k8s.io/v1.36.3/bin/linux/amd64/kubelet',
      'https://github.com/kubernetes-sigs/cri-tools/releases/download/v1.37.0/crictl-v1.37.0-linux-amd64.tar.gz',
      'https://github.com/etcd-io/etcd/releases/download/v3.6.17/etcd-v3.6.17-linux-amd64.tar.gz',
    ]);
    // No checksums are pinned in the classic lab file, so no downloads.sha256 is written.
    expect(fileAt(plan('chapter-2', labs.classic!), 'jumpbox', '/root/kubernetes-the-hard-way/downloads.sha256')).toBeUndefined();
    expect(plan('chapter-2', labs.classic!).steps.map((s) => s.id)).toContain('kubectl');
  });

  it("chapter 4 makes upstream's certificates with upstream's subjects (the scheduler's O corrected)", () => {
    const generate = plan('chapter-4', labs.classic!).steps[0]!.actions[0]!;
    expect(generate.kind === 'generate' && generate.items).toEqual([
      'ca',
      'admin',
      'node-0',
      'node-1',
      'kube-proxy',
      'kube-scheduler',
      'kube-controller-manager',
      'kube-api-server',
      'service-accounts',
    ]);
    const checks = plan('chapter-4', labs.classic!).checks.filter((c) => c.kind === 'x509');
    const subject = (host: string, id: string) => {
      const params = checks.find((c) => c.id === `cert-${host}-${id}`)!.params;
      return [params.cn, params.o];
    };
    // Upstream: node-N CN=system:node:node-N O=system:nodes; API server CN=kubernetes; CA CN=CA.
    expect(subject('node-0', 'node-0')).toEqual(['system:node:node-0', ['system:nodes']]);
    expect(subject('node-1', 'node-1')).toEqual(['system:node:node-1', ['system:nodes']]);
    expect(subject('server', 'kube-api-server')).toEqual(['kubernetes', []]);
    expect(subject('server', 'service-accounts')).toEqual(['service-accounts', []]);
    expect(subject('server', 'ca')).toEqual(['CA', []]);
    const api = checks.find((c) => c.id === 'cert-server-kube-api-server')!.params;
    expect(api.ipSans).toEqual(expect.arrayContaining(['127.0.0.1', '10.32.0.1', '10.240.0.11']));
    expect(api.dnsSans).toEqual(
      expect.arrayContaining(['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', 'server.kubernetes.local']),
    );
    expect(api.dnsSans).not.toContain('kubernetes.svc.cluster.local');
  });

  it('chapter 4 distributes as upstream: kubelet pair and CA to each node, CA, API server and service-accounts pairs to the server', () => {
    const p = plan('chapter-4', labs.classic!);
    const paths = (host: string) => p.steps.find((s) => s.id === `distribute-${host}`)!.actions.flatMap((a) => (a.kind === 'secret-file' ? [a.path] : []));
    expect(paths('server').sort()).toEqual([
      '/root/ca.crt',
      '/root/ca.key',
      '/root/kube-api-server.crt',
      '/root/kube-api-server.key',
      '/root/service-accounts.crt',
      '/root/service-accounts.key',
    ]);
    expect(paths('node-0')).toEqual(['/var/lib/kubelet/ca.crt', '/var/lib/kubelet/kubelet.crt', '/var/lib/kubelet/kubelet.key']);
    expect(p.steps.find((s) => s.id === 'distribute-jumpbox')).toBeUndefined();
  });
});

describe("plans follow the lab, not upstream's names", () => {
  it('the garage lab: its own names, addresses, arch and versions everywhere', () => {
    const lab = labs.garage!;
    const text = JSON.stringify(chapters.map((c) => c.plan(lab, {})));
    for (const stale of ['node-0', 'node-1', 'jumpbox.kubernetes', '10.240.0.', 'amd64', 'kubernetes.local', 'v1.32']) expect(text).not.toContain(stale);
    const p3 = plan('chapter-3', lab);
    expect(fileAt(p3, 'wk-b', '/var/lib/kthw/hosts')!.content).toBe(
      [
        '# BEGIN kthw lab hosts (garage)',
        '192.168.50.5 bastion.lab.example.internal bastion',
        '192.168.50.11 ctl-1.lab.example.internal ctl-1',
        '192.168.50.12 ctl-2.lab.example.internal ctl-2',
        '192.168.50.21 wk-a.lab.example.internal wk-a',
        '192.168.50.22 wk-b.lab.example.internal wk-b',
        '192.168.50.23 wk-c.lab.example.internal wk-c',
        '# END kthw lab hosts',
        '',
      ].join('\n'),
    );
    expect(commands(p3)).toContain(
      'keys=$(ssh-keyscan -T 5 -t ed25519 -- wk-c wk-c.lab.example.internal 192.168.50.23) && [ -n "$keys" ] && ' +
        '{ [ -z "$(tail -c 1 /root/.ssh/known_hosts 2>/dev/null)" ] || echo >> /root/.ssh/known_hosts; } && ' +
        'printf \'%s\\n\' "$keys" >> /root/.ssh/known_hosts',
    );
    expect(p3.checks.find((c) => c.id === 'ssh-from-jumpbox-ctl-2')).toMatchObject({ host: 'bastion', params: { stdout: '^ctl-2$' } });

    const p2 = plan('chapter-2', lab);
    expect(fileAt(p2, 'bastion', '/root/kubernetes-the-hard-way/downloads.txt')!.content).toBe(
      'https://dl.k8s.io/v1.33.1/bin/linux/arm64/kubelet\nhttps://dl.k8s.io/v1.33.1/bin/linux/arm64/kubectl\n' +
        'https://github.com/containerd/containerd/releases/download/v2.0.4/containerd-2.0.4-linux-arm64.tar.gz\n',
    );
    expect(fileAt(p2, 'bastion', '/root/kubernetes-the-hard-way/downloads.sha256')!.content).toBe(`${'ab'.repeat(32)}  kubelet\n`);
    expect(p2.steps.find((s) => s.id === 'downloads')!.why).toContain('etcd v3.5.16');

    const p4 = plan('chapter-4', lab);
    expect(p4.steps.map((s) => s.host)).toEqual(['local', 'bastion', 'ctl-1', 'ctl-2', 'wk-a', 'wk-b', 'wk-c']);
    const api = p4.checks.find((c) => c.id === 'cert-ctl-2-kube-api-server')!.params;
    expect(api.ipSans).toEqual(expect.arrayContaining(['10.96.0.1', '192.168.50.11', '192.168.50.12']));
    expect(api.dnsSans).toEqual(expect.arrayContaining(['kubernetes.default.svc.garage.local', 'api.lab.example.internal']));
  });

  it('the ipv6-ha lab: IPv6 addresses in /etc/hosts, the router-jumpbox, kubectl downloaded and installed', () => {
    const lab = labs['ipv6-ha']!;
    const p3 = plan('chapter-3', lab);
    expect(fileAt(p3, 'node-2', '/var/lib/kthw/hosts')!.content).toContain('fd00:4::132 node-2.kubernetes.local node-2\n');
    expect(p3.steps.find((s) => s.id === 'known-hosts')!.host).toBe('home1');
    const p2 = plan('chapter-2', lab);
    // the built kubectl of the lab's release, not the image's Debian one (a client two minors away)
    expect(p2.steps.map((s) => s.id)).toContain('kubectl');
    expect(fileAt(p2, 'home1', '/root/kubernetes-the-hard-way/downloads.txt')!.content).toContain('https://dl.k8s.io/v1.36.3/bin/linux/amd64/kubectl\n');
    const ids = (plan('chapter-4', lab).steps[0]!.actions[0] as { items: string[] }).items;
    expect(ids).toEqual(expect.arrayContaining(['etcd-server-server2', 'etcd-peer-server3', 'kube-api-server-etcd-client']));
    const api = plan('chapter-4', lab).checks.find((c) => c.id === 'cert-server3-kube-api-server')!.params;
    expect(api.ipSans).toEqual(expect.arrayContaining(['fd00:4::4', 'fd00:4:32::1', '::1', 'fd00:4::20', 'fd00:4::120', 'fd00:4::21']));
  });

  it('with a mirror, copies every download from it (checked against pinned sha256) before verifying', () => {
    const p = plan('chapter-2', labs.garage!, { mirror: '/srv/mirror' });
    const step = p.steps.find((s) => s.id === 'downloads')!;
    expect(step.why).toContain('/srv/mirror');
    expect(step.actions.map((a) => a.kind)).toEqual(['copy', 'copy', 'copy', 'command']);
    expect(step.actions[0]).toEqual({
      kind: 'copy',
      from: '/srv/mirror/kubelet',
      path: '/root/kubernetes-the-hard-way/downloads/kubelet',
      mode: '0755',
      owner: 'root',
      group: 'root',
      sha256: 'ab'.repeat(32),
    });
    expect(step.actions[2]).toMatchObject({ from: '/srv/mirror/containerd-2.0.4-linux-arm64.tar.gz', mode: '0644' });
    expect(step.actions[2]).not.toHaveProperty('sha256');
    expect(step.actions[3]).toMatchObject({ kind: 'command', readOnly: true });
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
    expect(
      plan('chapter-2', labs.garage!, {})
        .steps.find((s) => s.id === 'downloads')!
        .actions.map((a) => a.kind),
    ).toEqual(['command']);
  });

  it("with a mirror, a download the lab pins no sha256 for is checked against the mirror's FILE.sha256", () => {
    const mirror = mkdtempSync(join(tmpdir(), 'kthw-mirror-'));
    try {
      const sum = 'cd'.repeat(32);
      writeFileSync(join(mirror, 'containerd-2.0.4-linux-arm64.tar.gz.sha256'), `${sum}\n`);
      // the lab's pin wins over the mirror's file
      writeFileSync(join(mirror, 'kubelet.sha256'), `${'ef'.repeat(32)}  kubelet\n`);
      const p = plan('chapter-2', labs.garage!, { mirror });
      const copies = p.steps.find((s) => s.id === 'downloads')!.actions;
      expect(copies[2]).toMatchObject({ kind: 'copy', sha256: sum, sha256Source: "the mirror's containerd-2.0.4-linux-arm64.tar.gz.sha256" });
      expect(copies[0]).toMatchObject({ kind: 'copy', sha256: 'ab'.repeat(32) });
      expect(copies[1]).not.toHaveProperty('sha256');
      expect(fileAt(p, 'bastion', '/root/kubernetes-the-hard-way/downloads.sha256')!.content).toBe(
        `${'ab'.repeat(32)}  kubelet\n${sum}  containerd-2.0.4-linux-arm64.tar.gz\n`,
      );
      // the rendered checksum list is also what the check holds the jumpbox's copy to
      const check = p.checks.find((c) => c.id === 'work-file-downloads-sha256')!;
      expect(check.params.sha256).toBe(
        createHash('sha256')
          .update(`${'ab'.repeat(32)}  kubelet\n${sum}  containerd-2.0.4-linux-arm64.tar.gz\n`)
          .digest('hex'),
      );
      writeFileSync(join(mirror, 'containerd-2.0.4-linux-arm64.tar.gz.sha256'), 'not a checksum\n');
      expect(() => plan('chapter-2', labs.garage!, { mirror })).toThrow(/containerd-2\.0\.4-linux-arm64\.tar\.gz\.sha256 does not hold a sha256/);
    } finally {
      rmSync(mirror, { recursive: true, force: true });
    }
  });

  it('refuses a relative mirror path', () => {
    expect(() => plan('chapter-2', labs.classic!, { mirror: 'mirror' })).toThrow(/absolute path/);
  });
});
