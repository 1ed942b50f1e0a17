/**
 * Chapters 09, 11, 12 and 13 on real machines: a classic lab of this file's own (w09: nodes 10.241.19.0/24,
 * fd00:10:259::/64, pods 10.219.0.0/16, so the chapter's ranges are visibly the lab file's), brought
 * through chapters 01–09 with the binaries built from source and the pod images built here. Both
 * nodes join Ready, verify passes and a second run changes nothing. Then one thing of each kind the
 * checks exist for is broken on purpose: the check made for it fails with its diagnosis, nothing
 * unrelated fails, and running the chapter again repairs it. Chapter 11's routes then carry a pod's
 * request on node-0 to nginx in a pod on node-1, and a route removed fails its check alone. Chapter
 * 12 is upstream's smoke test, each step a check: a broken image and a stopped kubelet fail theirs.
 * Chapter 13 takes it all apart and proves every machine clean; a file left behind fails.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, labUp } from '../../lab/local/index.js';
import { NO_SWAP } from '../../lab/local/kernel-view.js';
import { readRecord } from '../../lab/local/runtime-record.js';
import { loadLab } from '../../src/lab/load.js';
import type { Lab } from '../../src/lab/types.js';
import { chapterHarness, failing, found } from './chapter-harness.js';
import { labTraces, labVariant, NO_TRACES, useLabHome } from './helpers.js';

const root = resolve(import.meta.dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'kthw-w09-'));
const labFile = labVariant(scratch, 'classic', 'w09', [
  ['10.240.0.', '10.241.19.'],
  ['fd00:10:240:', 'fd00:10:259:'],
  ['10.200.', '10.219.'],
]);
const lab: Lab = await loadLab(labFile);

const { kthw, run, verifyJson, verifyUntil, on } = chapterHarness(labFile, lab);

beforeAll(async () => {
  useLabHome();
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  await labDown(lab.name);
  await labUp(lab);
}, 1_200_000);

afterAll(async () => {
  await labDown(lab.name);
  rmSync(scratch, { recursive: true, force: true });
});

describe('chapter 09 on the classic track', () => {
  it('the local lab hands the chapters its pod images and says its machines are local', () => {
    const params = readRecord(lab.name)?.params ?? {};
    expect(params.machines).toBe('local');
    expect(params.images).toMatch(/^\/.*pod-images/);
    expect(params.mirror).toMatch(/^\//);
  });

  it('chapters 01–09 run; both nodes join Ready with their own pod ranges; verify passes; a second run of 09 changes nothing', async () => {
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9]) run(`chapter-${n}`);
    const { code, checks } = await verifyUntil('chapter-9', (c) => failing(c).length === 0);
    expect(failing(checks)).toEqual([]);
    expect(code).toBe(0);
    for (const node of ['node-0', 'node-1']) {
      expect(checks.find((c) => c.id === `node-ready-${node}`)!.observed).toMatch(/^exit 0: Ready: kubelet is posting ready status/);
      expect(checks.find((c) => c.id === `unit-kubelet-${node}`)!.ok).toBe(true);
    }
    expect(checks.find((c) => c.id === 'pod-cidr-node-0')!.observed).toBe('exit 0: spec.podCIDRs: 10.219.0.0/24');
    expect(checks.find((c) => c.id === 'pod-cidr-node-1')!.observed).toBe('exit 0: spec.podCIDRs: 10.219.1.0/24');
    expect(checks.find((c) => c.id === 'cni-config-node-1')!.observed).toBe('exit 0: 10-bridge.conf: 10.219.1.0/24');
    expect(checks.find((c) => c.id === 'pause-image-node-0')!.observed).toMatch(/^exit 0: kthw\.local\/pause:3\.10 sha256:[0-9a-f]{64}$/);
    // the local lab's two settings are in the files, and the CNI plugins are Debian's
    expect(await on('node-0', 'grep -x "failCgroupV1: false" /var/lib/kubelet/kubelet-config.yaml')).toBe('failCgroupV1: false\n');
    expect(await on('node-0', 'grep -E "restrict_oom_score_adj|bin_dir" /etc/containerd/config.toml')).toMatch(
      /restrict_oom_score_adj = true\n\s*bin_dir = "\/usr\/lib\/cni"/,
    );
    expect(run('chapter-9')).toMatch(/\b0 change\(s\) made/);
  }, 2_400_000);

  it('kubectl on the server lists both nodes Ready, and crictl on a worker talks to containerd', async () => {
    const nodes = await on(
      'server',
      `kubectl --kubeconfig /root/admin.kubeconfig get nodes -o 'jsonpath={range .items[*]}{.metadata.name} {.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}'`,
    );
    expect(nodes.trim().split('\n').sort()).toEqual(['node-0 True', 'node-1 True']);
    expect(await on('node-1', 'crictl images -q >/dev/null && crictl info >/dev/null && echo ok')).toBe('ok\n');
  });

  it("a pod runs from the imported busybox image, gets an address from its node's range, and kubectl exec reaches it through the kubelet", async () => {
    const kubectl = 'kubectl --kubeconfig /root/admin.kubeconfig';
    await on(
      'server',
      `${kubectl} run w09-probe --image=kthw.local/busybox:1.37 --image-pull-policy=Never --restart=Never --command -- sleep 600 >/dev/null && ` +
        `${kubectl} wait --for=condition=Ready pod/w09-probe --timeout=120s >/dev/null`,
      180_000,
    );
    try {
      const [node, ip] = (await on('server', `${kubectl} get pod w09-probe -o 'jsonpath={.spec.nodeName} {.status.podIP}'`)).trim().split(' ');
      expect(ip).toMatch(node === 'node-0' ? /^10\.219\.0\.\d+$/ : /^10\.219\.1\.\d+$/);
      expect(await on('server', `${kubectl} exec w09-probe -- hostname`)).toBe('w09-probe\n');
    } finally {
      await on('server', `${kubectl} delete pod w09-probe --timeout=90s >/dev/null`, 120_000);
    }
  });

  it('a stopped containerd on node-1: its unit, the kubelet it takes along, the sandbox image and the node Ready check fail; chapter 9 repairs', async () => {
    await on('node-1', 'systemctl stop containerd');
    try {
      const { code, checks } = await verifyUntil('chapter-9', (c) => failing(c).includes('node-ready-node-1'));
      expect(code).toBe(1);
      expect(failing(checks)).toEqual(['node-ready-node-1', 'pause-image-node-1', 'unit-containerd-node-1', 'unit-kubelet-node-1']);
      expect(found(checks, 'unit-containerd-node-1')).toMatch(/unit is inactive, expected active/);
      expect(found(checks, 'node-ready-node-1')).toMatch(/Ready is Unknown: Kubelet stopped posting node status/);
      expect(found(checks, 'pause-image-node-1')).toMatch(/containerd does not answer/);
    } finally {
      run('chapter-9');
    }
    expect((await verifyUntil('chapter-9', (c) => failing(c).length === 0)).code).toBe(0);
  }, 600_000);

  it("a bridge configuration with another node's range fails the CNI check alone; chapter 9 rewrites it", async () => {
    await on('node-0', "sed -i 's#10.219.0.0/24#10.219.1.0/24#' /etc/cni/net.d/10-bridge.conf");
    try {
      const { code, checks } = verifyJson('chapter-9');
      expect(code).toBe(1);
      expect(failing(checks)).toEqual(['cni-config-node-0']);
      expect(found(checks, 'cni-config-node-0')).toMatch(
        /\/etc\/cni\/net\.d\/10-bridge\.conf gives pods 10\.219\.1\.0\/24, the lab gives node-0 10\.219\.0\.0\/24/,
      );
    } finally {
      run('chapter-9');
    }
    expect(verifyJson('chapter-9').code).toBe(0);
  }, 300_000);

  it('a sandbox image removed from containerd fails the image check alone; chapter 9 imports it again', async () => {
    await on('node-0', 'ctr -n k8s.io images rm kthw.local/pause:3.10 >/dev/null');
    try {
      const { code, checks } = verifyJson('chapter-9');
      expect(code).toBe(1);
      expect(failing(checks)).toEqual(['pause-image-node-0']);
      expect(found(checks, 'pause-image-node-0')).toMatch(/kthw\.local\/pause:3\.10 is not in containerd's k8s\.io namespace/);
    } finally {
      run('chapter-9');
    }
    expect(verifyJson('chapter-9').code).toBe(0);
  }, 300_000);

  it('swap on node-0: the swap check names it and the kubelet, which refuses to run with swap, fails its unit check; with swap off the kubelet comes back by itself', async () => {
    // A machine of the local lab shares this computer's kernel, and nspawn's system-call filter
    // forbids swapon there. What the kubelet and the check both read is /proc/swaps, so node-0 is
    // shown one listing a swap file, as `swapon /swapfile` would; taking it away is `swapoff -a`.
    await on('node-0', `printf '%s\\n' '${NO_SWAP}' '/swapfile file 1048572 0 -2' > /run/swaps-on && mount --bind -o ro /run/swaps-on /proc/swaps`);
    try {
      await on('node-0', 'systemctl restart kubelet');
      const { code, checks } = await verifyUntil('chapter-9', (c) => failing(c).includes('unit-kubelet-node-0'));
      expect(code).toBe(1);
      expect(failing(checks).filter((id) => id !== 'node-ready-node-0')).toEqual(['swap-off-node-0', 'unit-kubelet-node-0']);
      expect(found(checks, 'swap-off-node-0')).toMatch(/swap is on: \/swapfile/);
      expect(await on('node-0', 'journalctl -u kubelet -n 100 --no-pager')).toMatch(/swap on is not supported/);
    } finally {
      await on('node-0', 'umount /proc/swaps');
    }
    const { code, checks } = await verifyUntil('chapter-9', (c) => failing(c).length === 0);
    expect(failing(checks)).toEqual([]);
    expect(code).toBe(0);
  }, 300_000);

  it('a deleted Node: its Ready and pod range checks fail; chapter 9 restarts the kubelet, which registers it again, and sets its range', async () => {
    await on('server', 'kubectl --kubeconfig /root/admin.kubeconfig delete node node-0 >/dev/null');
    try {
      const { code, checks } = verifyJson('chapter-9');
      expect(code).toBe(1);
      expect(failing(checks)).toEqual(['node-ready-node-0', 'pod-cidr-node-0']);
      expect(found(checks, 'node-ready-node-0')).toMatch(/node-0 is not registered: its kubelet has not reached the API server/);
    } finally {
      expect(run('chapter-9')).toMatch(/the API server has no Node node-0: restarting the kubelet/);
    }
    const { code, checks } = await verifyUntil('chapter-9', (c) => failing(c).length === 0);
    expect(failing(checks)).toEqual([]);
    expect(code).toBe(0);
    expect(checks.find((c) => c.id === 'pod-cidr-node-0')!.observed).toBe('exit 0: spec.podCIDRs: 10.219.0.0/24');
  }, 300_000);
});

describe('chapter 11 on the classic track', () => {
  const kubectl = 'kubectl --kubeconfig /root/admin.kubeconfig';
  const podOn = async (name: string, node: string, image: string, command: string[]) => {
    const overrides = JSON.stringify({ spec: { nodeName: node } });
    const args = command.length > 0 ? ` --command -- ${command.join(' ')}` : '';
    await on('server', `${kubectl} run ${name} --image=${image} --image-pull-policy=Never --restart=Never --overrides='${overrides}'${args} >/dev/null`);
  };

  it('chapter 11 runs; verify passes; a second run changes nothing; a pod on node-0 fetches a page from nginx in a pod on node-1 by its pod address', async () => {
    run('chapter-11');
    const { code, checks } = verifyJson('chapter-11');
    expect(failing(checks)).toEqual([]);
    expect(code).toBe(0);
    expect(checks.find((c) => c.id === 'route-node-0-to-node-1-ipv4')!.observed).toMatch(/^exit 0: 10\.219\.1\.0\/24 via 10\.241\.19\.21 dev eth0/);
    expect(run('chapter-11')).toMatch(/\b0 change\(s\) made/);
    await podOn('w11-web', 'node-1', 'kthw.local/nginx:1.26', []);
    await podOn('w11-client', 'node-0', 'kthw.local/busybox:1.37', ['sleep', '600']);
    try {
      await on('server', `${kubectl} wait --for=condition=Ready pod/w11-web pod/w11-client --timeout=120s >/dev/null`, 180_000);
      const ip = (await on('server', `${kubectl} get pod w11-web -o 'jsonpath={.status.podIP}'`)).trim();
      expect(ip).toMatch(/^10\.219\.1\.\d+$/);
      expect(await on('server', `${kubectl} exec w11-client -- wget -qO- http://${ip}/`)).toMatch(/nginx/i);
      // the controller reaches the pod too (the API server's path to webhooks and aggregated APIs)
      expect(await on('server', `curl -fsS -o /dev/null -w '%{http_code}' http://${ip}/`)).toBe('200');
    } finally {
      await on('server', `${kubectl} delete pod w11-web w11-client --timeout=90s >/dev/null`, 120_000);
    }
  }, 1_200_000);

  it("a route removed on node-0 fails that route's check alone, naming where the packets would go; chapter 11 puts it back", async () => {
    await on('node-0', 'ip -4 route del 10.219.1.0/24');
    try {
      const { code, checks } = verifyJson('chapter-11');
      expect(code).toBe(1);
      expect(failing(checks)).toEqual(['route-node-0-to-node-1-ipv4']);
      expect(found(checks, 'route-node-0-to-node-1-ipv4')).toMatch(/no route to 10\.219\.1\.0\/24; packets for node-1's pods would go:/);
    } finally {
      run('chapter-11');
    }
    expect(verifyJson('chapter-11').code).toBe(0);
  }, 300_000);
});

describe('chapter 12 on the classic track', () => {
  const kubectl = 'kubectl --kubeconfig /root/admin.kubeconfig';

  it("chapter 12 runs every step of upstream's smoke test; verify passes; a second run changes nothing", async () => {
    run('chapter-10'); // the smoke test's kubectl runs on the jumpbox, with the configuration chapter 10 writes
    // the run's own node-port checks may come before kube-proxy has written the new Service's rules
    kthw('run', 'chapter-12');
    const { code, checks } = await verifyUntil('chapter-12', (c) => failing(c).length === 0);
    expect(failing(checks)).toEqual([]);
    expect(code).toBe(0);
    const observed = (id: string) => checks.find((c) => c.id === id)!.observed;
    expect(observed('secret-encrypted')).toMatch(/^exit 0: k8s:enc:aescbc:v1:key1:/);
    expect(observed('port-forward')).toBe('exit 0: HTTP 200 through the API server and the kubelet');
    expect(observed('exec')).toMatch(/nginx version: nginx\/1\.26/);
    expect(observed('nodeport-node-0')).toMatch(/^exit 0: HTTP 200 on 10\.241\.19\.20:3\d{4}$/);
    expect(observed('nodeport-node-1')).toMatch(/^exit 0: HTTP 200 on 10\.241\.19\.21:3\d{4}$/);
    // the deployment runs the local lab's own image, by digest
    expect(await on('server', `${kubectl} get deployment nginx -o 'jsonpath={.spec.template.spec.containers[0].image}'`)).toMatch(
      /^kthw\.local\/nginx@sha256:[0-9a-f]{64}$/,
    );
    expect(run('chapter-12')).toMatch(/\b0 change\(s\) made/);
  }, 900_000);

  it('a deployment pointed at an image no node has fails the rollout check with the pod state; chapter 12 sets the image back', async () => {
    await on('server', `${kubectl} set image deployment/nginx nginx=kthw.local/nginx:missing >/dev/null`);
    try {
      const { code, checks } = await verifyUntil('chapter-12', (c) => failing(c).includes('deployment-available'));
      expect(code).toBe(1);
      expect(failing(checks)).toContain('deployment-available');
      expect(found(checks, 'deployment-available')).toMatch(/ErrImageNeverPull|Waiting for deployment/);
    } finally {
      run('chapter-12');
    }
    expect((await verifyUntil('chapter-12', (c) => failing(c).length === 0)).code).toBe(0);
  }, 600_000);

  /** Every node with an nginx pod: a pod of an earlier rollout may still be going away elsewhere, and kubectl exec deployment/nginx may pick either. */
  async function nginxNodes(): Promise<string[]> {
    const listed = await on('server', `${kubectl} get pods -l app=nginx -o 'jsonpath={range .items[*]}{.spec.nodeName}{"\\n"}{end}'`);
    const nodes = [...new Set(listed.split('\n').filter(Boolean))];
    expect(nodes.length).toBeGreaterThan(0);
    for (const node of nodes) expect(['node-0', 'node-1']).toContain(node);
    return nodes;
  }

  it('a stopped kubelet under the pod: port-forward, logs and exec fail (each goes through it), the node port still answers', async () => {
    const nodes = await nginxNodes();
    for (const node of nodes) await on(node, 'systemctl stop kubelet');
    try {
      const { code, checks } = verifyJson('chapter-12');
      expect(code).toBe(1);
      expect(failing(checks)).toEqual(expect.arrayContaining(['exec', 'logs', 'port-forward']));
      expect(failing(checks).filter((id) => id.startsWith('nodeport-') || id === 'secret-encrypted')).toEqual([]);
      expect(found(checks, 'exec')).toMatch(/10250|connection refused|error/i);
    } finally {
      for (const node of nodes) await on(node, 'systemctl start kubelet');
    }
    expect((await verifyUntil('chapter-12', (c) => failing(c).length === 0)).code).toBe(0);
  }, 600_000);

  it("a kubelet trusting a foreign CA refuses the API server: exec, logs and port-forward fail as Unauthorized, and chapter 4's check of the node's certificate names the CA file; chapter 4 puts the lab's CA back", async () => {
    const nodes = await nginxNodes();
    // a CA of nobody's, under the lab CA's own name, where the kubelet reads the CA it trusts for clients (it reloads the file)
    const foreign =
      'openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=CA -days 1 -keyout /dev/null -out /var/lib/kubelet/ca.crt 2>/dev/null';
    for (const node of nodes) await on(node, foreign);
    try {
      const { code, checks } = await verifyUntil('chapter-12', (c) => failing(c).includes('exec'));
      expect(code).toBe(1);
      expect(failing(checks)).toEqual(expect.arrayContaining(['exec', 'logs', 'port-forward']));
      expect(failing(checks).filter((id) => id.startsWith('nodeport-') || id === 'secret-encrypted')).toEqual([]);
      expect(found(checks, 'exec')).toMatch(/Unauthorized/);
      const certificates = verifyJson('chapter-4');
      expect(certificates.code).toBe(1);
      for (const node of nodes) {
        expect(failing(certificates.checks)).toContain(`cert-${node}-${node}`);
        expect(found(certificates.checks, `cert-${node}-${node}`)).toMatch(/not by the CA .* in \/var\/lib\/kubelet\/ca\.crt/);
      }
      expect(failing(certificates.checks).every((id) => nodes.some((node) => id.startsWith(`cert-${node}-`)))).toBe(true);
    } finally {
      run('chapter-4');
    }
    expect((await verifyUntil('chapter-12', (c) => failing(c).length === 0)).code).toBe(0);
  }, 600_000);
});

describe('chapter 13 on the classic track', () => {
  it('chapter 13 takes the cluster apart: verify finds nothing left on any machine, chapter 9 now fails, and a second run changes nothing', async () => {
    run('chapter-13');
    const { code, checks } = verifyJson('chapter-13');
    expect(failing(checks)).toEqual([]);
    expect(code).toBe(0);
    expect(checks.find((c) => c.id === 'no-processes-node-0')!.observed).toBe('exit 0: no processes left');
    expect(await on('node-0', 'ls /var/lib/containerd | wc -l; ip -4 route show root 10.219.0.0/16 | wc -l')).toBe('0\n0\n');
    const after = verifyJson('chapter-9');
    expect(after.code).toBe(1);
    expect(failing(after.checks)).toEqual(expect.arrayContaining(['unit-kubelet-node-0', 'unit-containerd-node-1']));
    expect(run('chapter-13')).toMatch(/\b0 change\(s\) made/);
  }, 600_000);

  it('a file left behind fails the files check of that machine alone, naming it; chapter 13 removes it', async () => {
    await on('node-0', 'mkdir -p /var/lib/kubelet && touch /var/lib/kubelet/leftover');
    try {
      const { code, checks } = verifyJson('chapter-13');
      expect(code).toBe(1);
      expect(failing(checks)).toEqual(['no-files-node-0']);
      expect(found(checks, 'no-files-node-0')).toMatch(/\/var\/lib\/kubelet is still there/);
    } finally {
      run('chapter-13');
    }
    expect(verifyJson('chapter-13').code).toBe(0);
  }, 300_000);

  it('leaves none of its own traces once the lab is down', async () => {
    await labDown(lab.name);
    expect(labTraces(lab)).toEqual(NO_TRACES);
  });
});
