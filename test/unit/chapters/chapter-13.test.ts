/**
 * Chapter 13 as plans: what each machine gives back is read from the chapters that installed it,
 * workers take their pods down before the runtime, and `all` (verify, export) never includes it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { processProbe } from '../../../chapters/13-cleanup/probes.js';
import type { HostLeftovers } from '../../../chapters/13-cleanup/leftovers.js';
import { chapters, findChapter } from '../../../chapters/index.js';
import type { Lab } from '../../../src/lab/types.js';
import { chaptersThrough } from '../../../src/plan/chapter.js';
import type { Plan } from '../../../src/plan/types.js';
import { shippedLabs } from './fixtures.js';

let classic: Lab;
beforeAll(async () => {
  classic = (await shippedLabs()).classic!;
});
const plan = (): Plan => findChapter('chapter-13').plan(classic, {});
const commandOf = (p: Plan, host: string) => {
  const action = p.steps.find((s) => s.id === `clean-${host}`)!.actions[0]!;
  if (action.kind !== 'command') throw new Error('not a command');
  return action;
};

describe('chapter 13, cleaning up', () => {
  it('is never part of `all`: verify all and a whole-lab export describe a cluster built', () => {
    expect(chaptersThrough(chapters).map((c) => c.meta.id)).not.toContain('chapter-13');
    expect(chaptersThrough(chapters).map((c) => c.meta.id)).toContain('chapter-12');
    expect(chaptersThrough(chapters, 7).map((c) => c.meta.number)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('cleans the controller and the workers, not the jumpbox, each from what its chapters installed', () => {
    const p = plan();
    expect(p.steps.map((s) => `${s.id}@${s.host}`)).toEqual([
      'stop-control-plane-server@server',
      'clean-server@server',
      'clean-node-0@node-0',
      'clean-node-1@node-1',
    ]);
    const server = commandOf(p, 'server').run;
    for (const unit of ['etcd.service', 'etcd-defrag.timer', 'kube-apiserver.service', 'kube-scheduler.service', 'pod-routes.service'])
      expect(server).toContain(`systemctl disable --now ${unit}`);
    expect(server).toMatch(/rm -rf -- .*\/etc\/systemd\/system\/etcd\.service .*\/var\/lib\/etcd .*\/var\/lib\/kubernetes/);
    expect(server).not.toContain('/var/lib/kubelet');
  });

  it('stops every API server before any etcd member goes, and on a controller stops the control plane before etcd', async () => {
    const ha = (await shippedLabs())['ipv6-ha'];
    const ids = findChapter('chapter-13')
      .plan(ha, {})
      .steps.map((s) => s.id);
    const lastStop = Math.max(...['server', 'server2', 'server3'].map((h) => ids.indexOf(`stop-control-plane-${h}`)));
    expect(lastStop).toBeGreaterThanOrEqual(0);
    expect(lastStop).toBeLessThan(ids.indexOf('clean-server'));
    const server = commandOf(plan(), 'server').run;
    expect(server.indexOf('disable --now kube-apiserver.service')).toBeLessThan(server.indexOf('disable --now etcd.service'));
  });

  it('on a worker, stops the kubelet before removing the pods, and the pods before containerd', () => {
    const run = commandOf(plan(), 'node-0').run;
    const at = (text: string) => run.indexOf(text);
    expect(at('disable --now kubelet.service')).toBeGreaterThanOrEqual(0);
    expect(at('disable --now kubelet.service')).toBeLessThan(at('crictl rmp -af'));
    expect(at('crictl rmp -af')).toBeLessThan(at('disable --now containerd.service'));
    expect(run).toMatch(/rm -rf -- .*\/var\/lib\/kubelet .*\/etc\/cni\/net\.d\/10-bridge\.conf .*\/usr\/local\/bin\/crictl/);
    // skipped when the machine is already clean: the same probes as the checks
    expect(commandOf(plan(), 'node-0').unless).toContain('route show root 10.200.0.0/16');
  });

  it('checks five kinds of leftovers on a worker and four on the controller, each listing what it finds', () => {
    expect(
      plan()
        .checks.filter((c) => c.host === 'node-1')
        .map((c) => c.id),
    ).toEqual(['no-units-node-1', 'no-files-node-1', 'no-processes-node-1', 'no-routes-node-1', 'no-mounts-node-1']);
    expect(
      plan()
        .checks.filter((c) => c.host === 'server')
        .map((c) => c.id),
    ).toEqual(['no-units-server', 'no-files-server', 'no-processes-server', 'no-routes-server']);
  });

  it('finds a running process by its whole name even past the 15 characters the kernel keeps, and is silent when none runs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kthw-comm-'));
    // names of our own: the host sees the lab machines' processes too (a kube-controller-manager may run)
    const name = `kthw-shim-${process.pid}-longer-than-15`;
    const binary = join(dir, name);
    await copyFile('/bin/sleep', binary);
    const child = spawn(binary, ['30'], { stdio: 'ignore' });
    try {
      const probe = processProbe({ processes: [name, `kthw-other-${process.pid}-not-running`] } as HostLeftovers);
      const found = spawnSync('bash', ['-c', probe], { encoding: 'utf8' });
      expect(found.stderr).toBe('');
      expect(found.stdout).toBe(`${name} runs (pid ${child.pid} )\n`);
    } finally {
      child.kill();
      await once(child, 'exit');
      await rm(dir, { recursive: true, force: true });
    }
    const none = spawnSync('bash', ['-c', processProbe({ processes: [name] } as HostLeftovers)], { encoding: 'utf8' });
    expect([none.status, none.stdout, none.stderr]).toEqual([0, '', '']);
  });
});
