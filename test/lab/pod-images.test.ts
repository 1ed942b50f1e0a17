/**
 * The pod images the local lab builds because it has no registry (lab/pod-images/): skopeo reads
 * each OCI archive and checks every blob's digest; the same recipe built again gives the same
 * digests; then a classic lab worker's own containerd (the image's, started by hand here; chapter 09
 * configures it for real) imports them, and runc runs each one: busybox prints, nginx answers HTTP,
 * pause exits cleanly on SIGTERM.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { labSshArgs } from '../../lab/local/index.js';
import { ensurePodImages, type PodImages } from '../../lab/local/pod-images.js';
import { loadLab } from '../../src/lab/load.js';
import type { Lab } from '../../src/lab/types.js';
import { allCgroupRoots } from '../../lab/local/processes.js';
import { sshRun, useLabHome } from './helpers.js';

const WORKER = 'node-0';
let lab: Lab;
let images: PodImages;
const temps: string[] = [];
const temp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
};
const image = (short: string) => images.images.find((i) => i.archive === `${short}.oci.tar`)!;
const ssh = async (command: string) => {
  const result = await sshRun(lab, WORKER, command);
  expect(result.code, `${command}\n${result.stderr}`).toBe(0);
  return result.stdout;
};

beforeAll(async () => {
  useLabHome();
  lab = await loadLab(inject('classicLab'));
  images = await ensurePodImages();
}, 300_000);
afterAll(async () => {
  await sshRun(lab, WORKER, 'for c in $(ctr -n k8s.io c ls -q); do ctr -n k8s.io task kill -s KILL $c; ctr -n k8s.io c rm $c; done; systemctl stop containerd');
  temps.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

describe('the pod images built without a registry', () => {
  it('are OCI archives skopeo reads, with the recorded manifest digest and every blob intact', () => {
    expect(images.images.map((i) => i.reference).sort()).toEqual(['kthw.local/busybox:1.37', 'kthw.local/nginx:1.26', 'kthw.local/pause:3.10']);
    for (const { archive, digest, reference } of images.images) {
      // the tag picks one of the index's two entries (the other names the same manifest by digest)
      const path = `${join(images.dir, archive)}:${reference.split(':').pop()!}`;
      const inspected = JSON.parse(execFileSync('skopeo', ['inspect', `oci-archive:${path}`], { encoding: 'utf8' })) as {
        Digest: string;
        Architecture: string;
      };
      expect(inspected.Digest, archive).toBe(digest);
      expect(inspected.Architecture).toBe(lab.arch);
      // copying verifies each blob against its digest
      execFileSync('skopeo', ['copy', '--quiet', `oci-archive:${path}`, `dir:${temp('kthw-skopeo-')}`]);
    }
  });

  it('are reproducible: built again from the same recipe, every digest is the same', async () => {
    const again = await ensurePodImages({ cacheRoot: temp('kthw-pod-images-'), rebuild: true });
    expect(again.built).toBe(true);
    expect(again.images.map((i) => i.digest)).toEqual(images.images.map((i) => i.digest));
  }, 300_000);

  it("a worker's containerd imports them under their names and digests, and runc runs each", async () => {
    await ssh('systemctl start containerd');
    for (const { archive } of images.images) {
      const [command, ...args] = labSshArgs(lab, WORKER, 'ctr -n k8s.io images import -');
      const imported = spawnSync(command!, ['-o', 'BatchMode=yes', ...args], { input: readFileSync(join(images.dir, archive)), timeout: 120_000 });
      expect(imported.status, `${archive}: ${String(imported.stderr)}`).toBe(0);
    }
    const listed = await ssh('ctr -n k8s.io images ls');
    for (const { reference, digest } of images.images) expect(listed).toMatch(new RegExp(`^${reference.replace(/\./g, '\\.')}\\s+\\S+\\s+${digest}\\s`, 'm'));

    expect(await ssh(`ctr -n k8s.io run --rm ${image('busybox').reference} kthw-t1 sh -c 'echo hello from busybox; readlink /bin/sh'`)).toBe(
      'hello from busybox\nbusybox\n',
    );
    const nginx = await ssh(
      `ctr -n k8s.io run -d --net-host ${image('nginx').reference} kthw-web >/dev/null && ` +
        'for i in $(seq 50); do curl -fsS -o /dev/null -w "%{http_code} %header{server}\\n" http://127.0.0.1/ && break; sleep 0.2; done',
    );
    expect(nginx.trim()).toBe('200 nginx');
    await ssh('ctr -n k8s.io task kill -s KILL kthw-web; ctr -n k8s.io c rm kthw-web');
    // `ctr run` in the foreground exits with the container's status
    const pause = await ssh(
      `(ctr -n k8s.io run --rm ${image('pause').reference} kthw-pause; echo "exit $?" >/tmp/kthw-pause-exit) & ` +
        'for i in $(seq 50); do ctr -n k8s.io task ls | grep -q "^kthw-pause .*RUNNING" && break; sleep 0.2; done; ' +
        'ctr -n k8s.io task kill -s TERM kthw-pause; wait; cat /tmp/kthw-pause-exit',
    );
    expect(pause.trim()).toBe('exit 0');
    await ssh('systemctl stop containerd');
    // ctr's containers had their cgroups inside the machine's own in every controller, none at this computer's root
    expect(allCgroupRoots().filter((root) => existsSync(join(root, 'k8s.io')))).toEqual([]);
  }, 300_000);
});
