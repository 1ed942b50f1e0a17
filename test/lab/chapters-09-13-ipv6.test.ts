/**
 * Chapters 09–13 on the ipv6-ha track, on real machines: a lab of this file's own (w9v6: the
 * reference topology under fd00:92:, IPv6 only), brought through chapters 01–13 with the binaries
 * built from source. Six nodes (three controllers, tainted NoSchedule, and three workers) join Ready
 * with the lab's pod /64s, the workers reach the API through the VIP, pods on different nodes reach
 * each other over chapter 11's IPv6 routes, upstream's smoke test passes with a NodePort answered on
 * every node. That cluster is then reset to the bare image and rebuilt by `kthw replay` and by its own
 * Ansible export (site.yml, then verify.yml), each reaching the same green cluster. Chapter 13 then
 * leaves every machine clean, the VIP included.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, labUp } from '../../lab/local/index.js';
import { loadLab } from '../../src/lab/load.js';
import type { Lab } from '../../src/lab/types.js';
import { chapterHarness, failing, found } from './chapter-harness.js';
import { clusterRebuild } from './cluster-rebuild.js';
import { KTHW_STEPS_LIMIT_MS, PLAYBOOK_LIMIT_MS, labVariant, useLabHome } from './helpers.js';

const root = resolve(import.meta.dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'kthw-w9v6-'));
const labFile = labVariant(scratch, 'ipv6-ha', 'w9v6', [['fd00:4:', 'fd00:92:']]);
const lab: Lab = await loadLab(labFile);

const harness = chapterHarness(labFile, lab);
const { run, verifyJson, verifyUntil, on } = harness;
const rebuild = clusterRebuild(lab, harness, ['taint-server3', 'api-vip-node-2', 'route-node-0-to-node-2-ipv6', 'nodeport-server2']);

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

const kubectl = 'kubectl --kubeconfig /root/admin.kubeconfig';
const nodes = ['server', 'server2', 'server3', 'node-0', 'node-1', 'node-2'];
const podRange: Record<string, string> = {
  'node-0': 'fd00:92:69::/64',
  'node-1': 'fd00:92:69:1::/64',
  'node-2': 'fd00:92:69:2::/64',
  server: 'fd00:92:69:3::/64',
  server2: 'fd00:92:69:4::/64',
  server3: 'fd00:92:69:5::/64',
};

describe('chapters 09–13 on the ipv6-ha track', () => {
  it('chapters 01–09 run; six nodes join Ready with the lab pod /64s, the controllers tainted, the VIP answering; a second run changes nothing', async () => {
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9]) run(`chapter-${n}`);
    const { code, checks } = await verifyUntil('chapter-9', (c) => failing(c).length === 0);
    expect(failing(checks)).toEqual([]);
    expect(code).toBe(0);
    for (const node of nodes) {
      expect(checks.find((c) => c.id === `node-ready-${node}`)!.observed).toMatch(/^exit 0: Ready: kubelet is posting ready status/);
      expect(checks.find((c) => c.id === `pod-cidr-${node}`)!.observed).toBe(`exit 0: spec.podCIDRs: ${podRange[node]}`);
    }
    for (const server of ['server', 'server2', 'server3'])
      expect(checks.find((c) => c.id === `taint-${server}`)!.observed).toBe('exit 0: node-role.kubernetes.io/control-plane:NoSchedule');
    expect(checks.find((c) => c.id === 'api-vip-node-2')!.observed).toBe('exit 0: readyz: ok');
    // the controller manager allocates ranges on this track and kept the ones the Nodes were created with
    const ranges = await on('server', `${kubectl} get nodes -o 'jsonpath={range .items[*]}{.metadata.name} {.spec.podCIDR}{"\\n"}{end}'`);
    expect(
      Object.fromEntries(
        ranges
          .trim()
          .split('\n')
          .map((l) => l.split(' ')),
      ),
    ).toEqual(podRange);
    expect(run('chapter-9')).toMatch(/\b0 change\(s\) made/);
  }, 2_400_000);

  it('a controller that lost its taint fails its taint check alone; chapter 9 taints it again', async () => {
    await on('server', `${kubectl} taint node server2 node-role.kubernetes.io/control-plane:NoSchedule-`);
    const { checks } = verifyJson('chapter-9');
    expect(failing(checks)).toEqual(['taint-server2']);
    expect(found(checks, 'taint-server2')).toMatch(/server2 has no node-role.kubernetes.io\/control-plane:NoSchedule taint/);
    run('chapter-9');
    expect(failing(verifyJson('chapter-9').checks)).toEqual([]);
  }, 600_000);

  it('chapters 10 and 11 run; a pod on node-0 fetches from nginx in a pod on node-2 over IPv6, and the controllers reach it', async () => {
    run('chapter-10');
    run('chapter-11');
    expect((await verifyUntil('chapter-11', (c) => failing(c).length === 0)).code).toBe(0);
    const image = 'kthw.local/busybox:1.37';
    const nginx = 'kthw.local/nginx:1.26';
    const pod = (name: string, node: string, img: string, command: string[]) =>
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name },
        spec: { nodeName: node, containers: [{ name, image: img, imagePullPolicy: 'Never', ...(command.length ? { command } : {}) }] },
      });
    await on('server', `printf '%s' '${pod('w9v6-web', 'node-2', nginx, [])}' | ${kubectl} apply -f -`);
    await on('server', `printf '%s' '${pod('w9v6-client', 'node-0', image, ['sleep', '3600'])}' | ${kubectl} apply -f -`);
    try {
      await on('server', `${kubectl} wait --for=condition=Ready pod/w9v6-web pod/w9v6-client --timeout=180s`, 240_000);
      const ip = (await on('server', `${kubectl} get pod w9v6-web -o 'jsonpath={.status.podIP}'`)).trim();
      expect(ip.startsWith('fd00:92:69:2:')).toBe(true);
      const page = await on('server', `${kubectl} exec w9v6-client -- wget -qO- 'http://[${ip}]/'`, 120_000);
      expect(page).toMatch(/nginx|html/i);
      expect(await on('server3', `curl -s -o /dev/null -w '%{http_code}' --max-time 10 'http://[${ip}]/'`)).toBe('200');
    } finally {
      await on('server', `${kubectl} delete pod w9v6-web w9v6-client --wait=false`);
    }
  }, 900_000);

  it("chapter 12 runs upstream's smoke test on this track; every node answers the NodePort; a second run changes nothing", async () => {
    run('chapter-12');
    const { code, checks } = await verifyUntil('chapter-12', (c) => failing(c).length === 0);
    expect(failing(checks)).toEqual([]);
    expect(code).toBe(0);
    for (const node of nodes) expect(checks.find((c) => c.id === `nodeport-${node}`)!.ok).toBe(true);
    // the tainted controllers run none of it
    const placed = await on('server', `${kubectl} get pods -l app=nginx -o 'jsonpath={.items[*].spec.nodeName}'`);
    for (const node of placed.trim().split(' ')) expect(['node-0', 'node-1', 'node-2']).toContain(node);
    expect(run('chapter-12')).toMatch(/\b0 change\(s\) made/);
  }, 900_000);

  it('kthw replay rebuilds the cluster onto reset machines: every check passes, a second replay changes nothing', { timeout: 1_800_000 }, () =>
    rebuild.byReplay(),
  );

  it(
    'its Ansible export rebuilds the cluster onto reset machines: every check passes, a replay and a second run change nothing, verify.yml passes',
    { timeout: 3 * PLAYBOOK_LIMIT_MS + KTHW_STEPS_LIMIT_MS },
    () => rebuild.byAnsible(join(scratch, 'ansible')),
  );

  it('chapter 13 leaves every machine clean, the VIP gone too; a second run changes nothing', async () => {
    run('chapter-13');
    const { code, checks } = verifyJson('chapter-13');
    expect(failing(checks)).toEqual([]);
    expect(code).toBe(0);
    expect(checks.find((c) => c.id === 'no-vip-server')!.ok).toBe(true);
    expect(await on('server', 'ip -o -6 addr show to fd00:92::4/128')).toBe('');
    expect(run('chapter-13')).toMatch(/\b0 change\(s\) made/);
  }, 900_000);
});
