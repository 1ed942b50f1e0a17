/**
 * Chapter 09 as plans: each worker's own pod range in its files, where the runtime's pieces come
 * from, the pod images a local lab hands over (and a bad images directory refused), and the local
 * lab's two settings written only when the lab says its machines are local.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findChapter } from '../../../chapters/index.js';
import type { Lab } from '../../../src/lab/types.js';
import type { Action, FileAction, Plan } from '../../../src/plan/types.js';
import { otherLab, shippedLabs } from './fixtures.js';

let labs: Record<string, Lab>;
beforeAll(async () => {
  labs = { ...(await shippedLabs()), garage: otherLab() };
});

const scratch: string[] = [];
afterEach(() => scratch.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const digest = (c: string) => `sha256:${c.repeat(64)}`;
/** An images directory as `kthw lab pod-images` writes it (the archives need not exist to plan). */
function imagesDir(
  index: unknown = [
    { reference: 'kthw.local/pause:3.10', digest: digest('a'), archive: 'pause.oci.tar', standsInFor: 'registry.k8s.io/pause:3.10' },
    { reference: 'kthw.local/nginx:1.26', digest: digest('b'), archive: 'nginx.oci.tar', standsInFor: 'nginx:latest' },
  ],
): string {
  const dir = mkdtempSync(join(tmpdir(), 'kthw-ch09-'));
  scratch.push(dir);
  writeFileSync(join(dir, 'images.json'), JSON.stringify(index));
  return dir;
}

const plan = (lab: Lab, params: Record<string, string> = {}): Plan => findChapter('chapter-9').plan(lab, params);
const step = (p: Plan, id: string) => p.steps.find((s) => s.id === id)!;
const fileIn = (p: Plan, id: string, path: string) => step(p, id).actions.find((a): a is FileAction => a.kind === 'file' && a.path === path)!;
const commands = (actions: Action[]) => actions.flatMap((a) => (a.kind === 'command' ? [a.run] : []));

describe('chapter 09 on the classic lab', () => {
  it('copies, configures and starts each worker in turn, then waits on the server for the nodes', () => {
    expect(plan(labs.classic!).steps.map((s) => `${s.id}@${s.host}`)).toEqual([
      'copy-node-0@jumpbox',
      'copy-node-1@jumpbox',
      'kernel-node-0@node-0',
      'containerd-node-0@node-0',
      'kubelet-node-0@node-0',
      'kernel-node-1@node-1',
      'containerd-node-1@node-1',
      'kubelet-node-1@node-1',
      'nodes-ready@server',
    ]);
  });

  it("writes each worker's own pod range into its bridge, its kubelet and its Node", () => {
    const p = plan(labs.classic!);
    for (const [node, cidr] of [
      ['node-0', '10.200.0.0/24'],
      ['node-1', '10.200.1.0/24'],
    ] as const) {
      expect(fileIn(p, `containerd-${node}`, '/etc/cni/net.d/10-bridge.conf').content).toContain(`[{ "subnet": "${cidr}" }]`);
      expect(fileIn(p, `kubelet-${node}`, '/var/lib/kubelet/kubelet-config.yaml').content).toContain(`podCIDR: "${cidr}"`);
      expect(commands(step(p, 'nodes-ready').actions)).toContain(
        `kubectl --kubeconfig /root/admin.kubeconfig patch node ${node} --type merge -p '{"spec":{"podCIDR":"${cidr}","podCIDRs":["${cidr}"]}}'`,
      );
    }
    const kubelet = fileIn(p, 'kubelet-node-1', '/var/lib/kubelet/kubelet-config.yaml').content;
    expect(kubelet).toContain('clusterDNS:\n  - "10.32.0.10"\n');
    expect(kubelet).toContain('clusterDomain: "cluster.local"');
    expect(kubelet).toMatch(
      /authentication:\n {2}anonymous:\n {4}enabled: false\n {2}webhook:\n {4}enabled: true\n {2}x509:\n {4}clientCAFile: "\/var\/lib\/kubelet\/ca.crt"/,
    );
    expect(fileIn(p, 'kubelet-node-1', '/var/lib/kube-proxy/kube-proxy-config.yaml').content).toContain('clusterCIDR: "10.200.0.0/16"');
  });

  it("takes Debian's containerd, runc and CNI plugins (in /usr/lib/cni) and kubelet, kube-proxy and crictl from downloads/", () => {
    const p = plan(labs.classic!);
    expect(step(p, 'containerd-node-0').actions[0]).toEqual({ kind: 'packages', names: ['containerd', 'runc', 'containernetworking-plugins'] });
    expect(fileIn(p, 'containerd-node-0', '/etc/containerd/config.toml').content).toContain('bin_dir = "/usr/lib/cni"');
    expect(commands(step(p, 'copy-node-1').actions).map((c) => c.split('; ').at(-1))).toEqual([
      'scp -q -o BatchMode=yes /root/kubernetes-the-hard-way/downloads/kubelet root@node-1:/root/kubelet',
      'scp -q -o BatchMode=yes /root/kubernetes-the-hard-way/downloads/kube-proxy root@node-1:/root/kube-proxy',
      'scp -q -o BatchMode=yes /root/kubernetes-the-hard-way/downloads/crictl-v1.37.0-linux-amd64.tar.gz root@node-1:/root/crictl-v1.37.0-linux-amd64.tar.gz',
    ]);
    expect(step(p, 'kubelet-node-1').actions).toContainEqual({
      kind: 'unpack',
      archive: '/root/crictl-v1.37.0-linux-amd64.tar.gz',
      dest: '/usr/local/bin',
      members: ['crictl'],
    });
  });

  it("without the local lab's parameters: a VM's settings, and containerd pulls upstream's pause image", () => {
    const p = plan(labs.classic!);
    const config = fileIn(p, 'containerd-node-0', '/etc/containerd/config.toml').content;
    expect(config).toContain('sandbox_image = "registry.k8s.io/pause:3.10"');
    expect(config).toContain('restrict_oom_score_adj = false');
    expect(fileIn(p, 'kubelet-node-0', '/var/lib/kubelet/kubelet-config.yaml').content).toContain('failCgroupV1: true');
    const containerd = step(p, 'containerd-node-0');
    expect(containerd.actions.some((a) => a.kind === 'copy')).toBe(false);
    expect(commands(containerd.actions)).toEqual(['ctr -n k8s.io images pull registry.k8s.io/pause:3.10']);
    expect(containerd.why).toContain('containerd pulls registry.k8s.io/pause:3.10 from its registry');
    expect(plan(labs.classic!).checks.find((c) => c.id === 'pause-image-node-0')!.params.run).not.toContain('sha256:');
  });

  it('on the local lab: its two settings, and every pod image copied and imported unless there with the built digest', () => {
    const dir = imagesDir();
    const p = plan(labs.classic!, { machines: 'local', images: dir });
    const config = fileIn(p, 'containerd-node-1', '/etc/containerd/config.toml').content;
    expect(config).toContain('sandbox_image = "kthw.local/pause:3.10"');
    expect(config).toContain('restrict_oom_score_adj = true');
    expect(fileIn(p, 'kubelet-node-1', '/var/lib/kubelet/kubelet-config.yaml').content).toContain('failCgroupV1: false');
    const actions = step(p, 'containerd-node-1').actions;
    const unitAt = actions.findIndex((a) => a.kind === 'unit');
    const images = actions.slice(unitAt + 1);
    expect(images.map((a) => a.kind)).toEqual(['directory', 'copy', 'command', 'copy', 'command']);
    expect(images[1]).toEqual({
      kind: 'copy',
      from: join(dir, 'pause.oci.tar'),
      path: '/var/lib/kthw/pod-images/pause.oci.tar',
      mode: '0644',
      owner: 'root',
      group: 'root',
    });
    expect(images[2]).toEqual({
      kind: 'command',
      run: 'ctr -n k8s.io images import /var/lib/kthw/pod-images/pause.oci.tar',
      unless: `d=$(ctr -n k8s.io images ls 2>/dev/null | awk -v r=kthw.local/pause:3.10 '$1 == r { print $3 }') && [ "$d" = ${digest('a')} ]`,
    });
    expect(p.checks.find((c) => c.id === 'pause-image-node-1')!.params.run).toContain(digest('a'));
    // the images alone (a lab not known to be local) change the image, not the machine settings
    const imagesOnly = fileIn(plan(labs.classic!, { images: dir }), 'containerd-node-1', '/etc/containerd/config.toml').content;
    expect(imagesOnly).toContain('sandbox_image = "kthw.local/pause:3.10"');
    expect(imagesOnly).toContain('restrict_oom_score_adj = false');
  });

  it('refuses an images directory that is relative, has no index, or an index kthw did not write', () => {
    expect(() => plan(labs.classic!, { images: 'pod-images' })).toThrow(/must be an absolute path/);
    const empty = mkdtempSync(join(tmpdir(), 'kthw-ch09-'));
    scratch.push(empty);
    expect(() => plan(labs.classic!, { images: empty })).toThrow(/images\.json does not exist/);
    expect(() => plan(labs.classic!, { images: imagesDir([{ reference: "x'; rm -rf /", digest: digest('a'), archive: 'a', standsInFor: 'b' }]) })).toThrow(
      /does not list images as kthw writes them/,
    );
  });

  it('checks every worker: its three units, Ready and pod range on the server, swap, sandbox image and bridge range on the worker, the kubelet release', () => {
    const p = plan(labs.classic!);
    expect(p.checks.filter((c) => c.id.endsWith('-node-0')).map((c) => `${c.id}@${c.host}`)).toEqual([
      'unit-containerd-node-0@node-0',
      'unit-kubelet-node-0@node-0',
      'unit-kube-proxy-node-0@node-0',
      'node-ready-node-0@server',
      'pod-cidr-node-0@server',
      'swap-off-node-0@node-0',
      'pause-image-node-0@node-0',
      'cni-config-node-0@node-0',
      'version-node-0@node-0',
    ]);
    expect(p.checks.find((c) => c.id === 'version-node-1')!.params.stdout).toBe('^Kubernetes v1\\.36\\.3\\n?$');
  });
});

describe('chapter 09 on other labs', () => {
  it("the garage lab: its workers' ranges, and a runtime it does not take from the image is required, not installed", () => {
    const p = plan(labs.garage!);
    expect(p.steps.filter((s) => s.id.startsWith('kubelet-')).map((s) => s.host)).toEqual(['wk-a', 'wk-b', 'wk-c']);
    expect(fileIn(p, 'containerd-wk-c', '/etc/cni/net.d/10-bridge.conf').content).toContain('"subnet": "10.66.3.0/24"');
    expect(fileIn(p, 'containerd-wk-c', '/etc/containerd/config.toml').content).toContain('bin_dir = "/opt/cni/bin"');
    const first = step(p, 'containerd-wk-a').actions[0]!;
    expect(first).toMatchObject({ kind: 'command', readOnly: true });
    expect(first.kind === 'command' && first.run).toMatch(/kthw installs them only from the machine image so far/);
    // garage downloads no crictl and no kube-proxy: nothing of them is copied
    expect(commands(step(p, 'copy-wk-a').actions).join('\n')).not.toMatch(/crictl|kube-proxy/);
    expect(p.steps.find((s) => s.id === 'nodes-ready')!.host).toBe('ctl-1');
  });

  it('the ipv6-ha lab: IPv6 ranges and routes, the kubelet on ::, and no pod range patched (the controller manager allocates them)', () => {
    const p = plan(labs['ipv6-ha']!);
    const bridge = fileIn(p, 'containerd-node-2', '/etc/cni/net.d/10-bridge.conf').content;
    expect(bridge).toContain('"subnet": "fd00:4:69:2::/64"');
    expect(bridge).toContain('{ "dst": "::/0" }');
    expect(fileIn(p, 'kubelet-node-2', '/var/lib/kubelet/kubelet-config.yaml').content).toContain('address: "::"');
    expect(fileIn(p, 'kernel-node-2', '/etc/sysctl.d/99-kubernetes.conf').content).toContain('net.ipv6.conf.all.forwarding = 1');
    expect(commands(step(p, 'nodes-ready').actions).join('\n')).not.toContain('patch node');
    expect(p.checks.filter((c) => c.id.startsWith('pod-cidr-')).map((c) => c.id)).toHaveLength(6);
  });

  it('ipv6-ha: the controllers are nodes too, each Node created with its pod range before its kubelet starts, the controllers tainted', () => {
    const p = plan(labs['ipv6-ha']!);
    const ids = p.steps.map((s) => s.id);
    for (const node of ['server', 'server2', 'server3', 'node-0', 'node-1', 'node-2']) expect(ids).toContain(`kubelet-${node}`);
    // the Nodes exist before any kubelet starts: the allocator then keeps the lab's ranges
    expect(ids.indexOf('nodes-created')).toBeLessThan(ids.findIndex((id) => id.startsWith('kernel-')));
    const created = commands(step(p, 'nodes-created').actions);
    expect(created).toHaveLength(6);
    const manifest = (name: string) =>
      JSON.parse(/'(\{[\s\S]*\})'/.exec(created.find((c) => c.includes(`"name": "${name}"`))!)![1]!) as {
        metadata: { labels?: Record<string, string> };
        spec: { podCIDRs: string[]; taints?: unknown[] };
      };
    expect(manifest('server2').spec).toEqual({
      podCIDR: 'fd00:4:69:4::/64',
      podCIDRs: ['fd00:4:69:4::/64'],
      taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
    });
    expect(manifest('server2').metadata.labels).toEqual({ 'node-role.kubernetes.io/control-plane': '' });
    expect(manifest('node-1').spec).toEqual({ podCIDR: 'fd00:4:69:1::/64', podCIDRs: ['fd00:4:69:1::/64'] });
    // a controller's kubelet talks to its own API server, a worker's through the VIP
    expect(p.checks.filter((c) => c.id.startsWith('taint-')).map((c) => c.id)).toEqual(['taint-server', 'taint-server2', 'taint-server3']);
    expect(p.checks.filter((c) => c.id.startsWith('api-vip-')).map((c) => c.host)).toEqual(['node-0', 'node-1', 'node-2']);
    // until kube-vip runs, the first controller holds the VIP on its node interface, never as a source address
    const vip = step(p, 'api-vip');
    expect(vip.host).toBe('server');
    expect(commands(vip.actions).join('\n')).toContain('ip -6 addr add fd00:4::4/64 dev "$dev" nodad preferred_lft 0');
  });
});
