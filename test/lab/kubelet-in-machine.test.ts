/**
 * Can a worker machine of the local lab run Kubernetes pods? The built kubelet, the image's
 * containerd, runc and CNI bridge plugin, and the pod images built without a registry, set up by hand
 * on one worker of a lab of this file's own (kub9, the classic lab moved to 10.241.9.0/24): kubelet
 * runs standalone (no API server yet: chapter 09 joins it to the cluster) with a static nginx pod
 * referred to by digest, the pod gets an address from the bridge, and nginx answers on it. What the
 * machine needs for that is the local lab's (lab/local/machine.ts, kernel-view.ts, network.ts);
 * what the node's files say here differs from a VM's in two settings, named below.
 */
import { existsSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBinaries, ensurePodImages, labDown, labSshArgs, labUp, type PodImages } from '../../lab/local/index.js';
import { NO_SWAP } from '../../lab/local/kernel-view.js';
import { loadLab } from '../../src/lab/load.js';
import type { Lab } from '../../src/lab/types.js';
import { labVariant } from '../support/lab-variant.js';
import { labTraces, NO_TRACES, sshRun, useLabHome } from './helpers.js';
import { allCgroupRoots } from '../../lab/local/processes.js';

const WORKER = 'node-0';
const scratch = mkdtempSync(join(tmpdir(), 'kthw-kub9-'));
const lab: Lab = await loadLab(
  labVariant(scratch, 'classic', 'kub9', [
    ['10.240.0.', '10.241.9.'],
    ['fd00:10:240:', 'fd00:10:249:'],
  ]),
);
let images: PodImages;

const ssh = async (command: string) => {
  const result = await sshRun(lab, WORKER, command);
  expect(result.code, `${command}\n${result.stdout}\n${result.stderr}`).toBe(0);
  return result.stdout;
};
function copyIn(path: string, command: string): void {
  const [program, ...args] = labSshArgs(lab, WORKER, command);
  const copied = spawnSync(program!, ['-o', 'BatchMode=yes', ...args], { input: readFileSync(path), timeout: 120_000 });
  expect(copied.status, `${command}: ${String(copied.stderr)}`).toBe(0);
}

beforeAll(async () => {
  useLabHome();
  images = await ensurePodImages();
  await labDown(lab.name);
  await labUp(lab);
}, 600_000);
afterAll(async () => {
  await labDown(lab.name);
  rmSync(scratch, { recursive: true, force: true });
});

describe('a worker machine of the local lab runs pods', () => {
  it('shows kubelet the kernel settings it wants, read-only, and has /dev/kmsg and a default route', async () => {
    expect(await ssh('cat /proc/sys/vm/overcommit_memory /proc/sys/kernel/panic /proc/sys/kernel/panic_on_oops')).toBe('1\n10\n1\n');
    expect((await sshRun(lab, WORKER, 'echo 0 > /proc/sys/kernel/panic')).code).not.toBe(0);
    // kube-proxy's conntrack setting (32768 per core, at least 131072) and the hash size it reads
    const conntrackMax = Math.max(32768 * availableParallelism(), 131072);
    expect(await ssh('cat /proc/sys/net/netfilter/nf_conntrack_max; test -r /sys/module/nf_conntrack/parameters/hashsize && echo ok')).toBe(
      `${conntrackMax}\nok\n`,
    );
    expect(await ssh('test -c /dev/kmsg && ip route show default')).toMatch(/^default via 10\.241\.9\.1 dev eth0/);
    // no swap of its own, whatever this computer has: the header line alone, and swapoff finds nothing to do
    expect(await ssh('cat /proc/swaps; swapoff -a && echo swapoff ok')).toBe(`${NO_SWAP}\nswapoff ok\n`);
  });

  it('kubelet starts a static nginx pod by digest, and nginx answers on the pod address', async () => {
    const mirror = await ensureBinaries();
    copyIn(join(mirror.dir, 'kubelet'), 'cat > /usr/local/bin/kubelet && chmod 0755 /usr/local/bin/kubelet');
    const pause = images.images.find((i) => i.archive === 'pause.oci.tar')!;
    const nginx = images.images.find((i) => i.archive === 'nginx.oci.tar')!;
    const podCidr = lab.hosts.find((h) => h.name === WORKER)!.podCidr!.ipv4!;
    // Two local-lab settings: the sandbox image is the one built here, and containerd keeps every
    // container's OOM score at or above its own, as this computer grants no CAP_SYS_RESOURCE to lower it.
    await ssh(
      [
        'mkdir -p /etc/containerd /etc/cni/net.d /var/lib/kubelet /etc/kubernetes/manifests',
        `containerd config default | sed -e 's#sandbox_image = .*#sandbox_image = "${pause.reference}"#' -e 's#restrict_oom_score_adj = false#restrict_oom_score_adj = true#' > /etc/containerd/config.toml`,
        `printf '%s' '{"cniVersion":"1.0.0","name":"bridge","type":"bridge","bridge":"cni0","isGateway":true,"ipMasq":true,"ipam":{"type":"host-local","ranges":[[{"subnet":"${podCidr}"}]],"routes":[{"dst":"0.0.0.0/0"}]}}' > /etc/cni/net.d/10-bridge.conf`,
        `printf '%s' '{"cniVersion":"1.1.0","name":"lo","type":"loopback"}' > /etc/cni/net.d/99-loopback.conf`,
        'systemctl restart containerd',
      ].join(' && '),
    );
    for (const { archive } of images.images) copyIn(join(images.dir, archive), 'ctr -n k8s.io images import -');
    await ssh(
      [
        "cat > /var/lib/kubelet/kubelet-config.yaml <<'EOF'",
        'kind: KubeletConfiguration',
        'apiVersion: kubelet.config.k8s.io/v1beta1',
        'authentication: { anonymous: { enabled: false }, webhook: { enabled: false } }',
        'authorization: { mode: AlwaysAllow }',
        'cgroupDriver: cgroupfs',
        'containerRuntimeEndpoint: unix:///var/run/containerd/containerd.sock',
        // this computer has cgroup v1 controllers, which kubelet refuses unless told
        'failCgroupV1: false',
        'staticPodPath: /etc/kubernetes/manifests',
        'EOF',
        "cat > /etc/kubernetes/manifests/web.yaml <<'EOF'",
        'apiVersion: v1',
        'kind: Pod',
        'metadata: { name: web }',
        `spec: { containers: [ { name: nginx, image: "${nginx.reference.replace(/:[^:]+$/, '')}@${nginx.digest}", imagePullPolicy: Never } ] }`,
        'EOF',
        'systemd-run --unit=kthw-kubelet-try /usr/local/bin/kubelet --config=/var/lib/kubelet/kubelet-config.yaml',
      ].join('\n'),
    );
    const answer = await ssh(
      'for i in $(seq 90); do for ip in $(ls /var/lib/cni/networks/bridge 2>/dev/null | grep -v -e lock -e last); do ' +
        'curl -fsS --max-time 2 -o /dev/null -w "%{http_code} %header{server}\\n" http://$ip/ && exit 0; done; sleep 1; done; ' +
        'systemctl status kthw-kubelet-try --no-pager | tail -5; journalctl -u kthw-kubelet-try --no-pager | grep " E[0-9]" | tail -5; exit 1',
    );
    expect(answer.trim()).toBe('200 nginx');
    expect(await ssh('systemctl is-active kthw-kubelet-try')).toBe('active\n');
    // the pods' cgroups are the machine's own in every controller, not a /kubepods other workers share
    const controllers = allCgroupRoots().filter((root) => !/systemd|unified/.test(root));
    expect(controllers.length).toBeGreaterThan(0);
    expect(controllers.filter((root) => !existsSync(join(root, 'kthw', lab.name, WORKER, 'kubepods')))).toEqual([]);
    expect(controllers.filter((root) => existsSync(join(root, 'kubepods')))).toEqual([]);
  }, 300_000);

  it('leaves none of its own traces once the lab is down', async () => {
    await labDown(lab.name);
    expect(labTraces(lab)).toEqual(NO_TRACES);
    expect(allCgroupRoots().filter((root) => existsSync(join(root, 'kthw', lab.name)))).toEqual([]);
  });
});
