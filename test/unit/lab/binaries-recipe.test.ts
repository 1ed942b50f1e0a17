import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { missingFromMirror } from '../../../lab/local/binaries-lab.js';
import { readRecipe, recipeRoot, requiredVersion } from '../../../lab/local/binaries-recipe.js';
import { goBuildArgs } from '../../../lab/local/go-build.js';
import { builtinLabPath, loadLab } from '../../../src/lab/load.js';

const temps: string[] = [];
const temp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'kthw-recipe-'));
  temps.push(dir);
  return dir;
};
afterEach(() => temps.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const recipe = () => readRecipe('go1.26.8', 'amd64');

describe('the binaries recipe (lab/binaries/)', () => {
  it('pins the versions both lab files name, and builds every file they download', async () => {
    const { versions, files } = recipe();
    for (const name of ['classic', 'ipv6-ha'] as const) {
      const lab = await loadLab(builtinLabPath(name));
      expect(lab.versions.kubernetes?.version, name).toBe(versions.kubernetes);
      expect(lab.versions.etcd?.version, name).toBe(versions.etcd);
      expect(lab.versions.crictl?.version, name).toBe(versions.crictl);
      // a directory holding exactly the recipe's files serves the lab; one file fewer does not
      const dir = temp();
      for (const f of files) writeFileSync(join(dir, f.file), '');
      expect(missingFromMirror(lab, dir), name).toEqual([]);
      rmSync(join(dir, 'kube-apiserver'));
      expect(missingFromMirror(lab, dir), name).toEqual(['kube-apiserver']);
    }
  });

  it('replaces every staging module k8s.io/kubernetes requires with its published release of the same minor', () => {
    const goMod = readFileSync(join(recipeRoot(), 'kubernetes', 'go.mod'), 'utf8');
    const { versions } = recipe();
    const staging = `v0${versions.kubernetes.slice(2)}`;
    const replaces = [...goMod.matchAll(/^\s*(k8s\.io\/[a-z-]+) => (k8s\.io\/[a-z-]+) (v\S+)$/gm)];
    expect(replaces.length).toBeGreaterThan(25);
    for (const [, from, to, version] of replaces) {
      expect(to).toBe(from);
      expect(version, from).toBe(staging);
    }
    for (const needed of ['k8s.io/api', 'k8s.io/apiserver', 'k8s.io/client-go', 'k8s.io/component-base', 'k8s.io/kubectl', 'k8s.io/kubelet']) {
      expect(replaces.map((r) => r[1])).toContain(needed);
    }
  });

  it('names the files as upstream downloads them and stamps the release into each binary', () => {
    const { files, versions } = recipe();
    expect(files.map((f) => f.file)).toEqual([
      'kube-apiserver',
      'kube-controller-manager',
      'kube-scheduler',
      'kubelet',
      'kube-proxy',
      'kubectl',
      `crictl-${versions.crictl}-linux-amd64.tar.gz`,
      `etcd-${versions.etcd}-linux-amd64.tar.gz`,
    ]);
    const apiserver = files.find((f) => f.file === 'kube-apiserver');
    if (apiserver?.kind !== 'binary') throw new Error('kube-apiserver is not a plain binary');
    const args = goBuildArgs(apiserver.binary, '/out/kube-apiserver');
    expect(args).toContain('-trimpath');
    const ldflags = args.find((a) => a.startsWith('-ldflags='))!;
    for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
      expect(ldflags).toContain(`-X=${pkg}.gitVersion=${versions.kubernetes}`);
      expect(ldflags).toContain(`-X=${pkg}.gitMinor=${versions.kubernetes.split('.')[1]}`);
    }
    const etcd = files.find((f) => f.file.startsWith('etcd-'));
    if (etcd?.kind !== 'archive') throw new Error('etcd is not an archive');
    expect(etcd.dir).toBe(`etcd-${versions.etcd}-linux-amd64`);
    expect(etcd.binaries.map((b) => b.name)).toEqual(['etcd', 'etcdctl', 'etcdutl']);
  });

  it('refuses a version stamp that would need quoting', () => {
    const { files } = recipe();
    const kubectl = files.find((f) => f.file === 'kubectl');
    if (kubectl?.kind !== 'binary') throw new Error('kubectl is not a plain binary');
    expect(() => goBuildArgs({ ...kubectl.binary, stamps: ["k8s.io/component-base/version.gitVersion=v1 -X 'x=y'"] }, '/out/kubectl')).toThrow(
      /bad version stamp/,
    );
  });

  it('changes its hash with the pinned modules, the Go release and the architecture', () => {
    const dir = temp();
    cpSync(recipeRoot(), dir, { recursive: true });
    const base = readRecipe('go1.26.8', 'amd64', dir).hash;
    expect(readRecipe('go1.26.8', 'amd64', dir).hash).toBe(base);
    expect(readRecipe('go1.26.9', 'amd64', dir).hash).not.toBe(base);
    expect(readRecipe('go1.26.8', 'arm64', dir).hash).not.toBe(base);
    writeFileSync(join(dir, 'crictl', 'go.sum'), readFileSync(join(dir, 'crictl', 'go.sum'), 'utf8') + 'example.com/x v1.0.0 h1:AAAA=\n');
    expect(readRecipe('go1.26.8', 'amd64', dir).hash).not.toBe(base);
  });

  it('says which go.mod lacks a release version, and where', () => {
    expect(() => requiredVersion('module x\n\nrequire k8s.io/kubernetes v1.36.3-rc.0\n', 'k8s.io/kubernetes', '/r/go.mod')).toThrow(
      /\/r\/go.mod does not require k8s.io\/kubernetes/,
    );
    expect(requiredVersion('module x\n\nrequire (\n\tk8s.io/kubernetes v1.36.3 // pinned\n)\n', 'k8s.io/kubernetes', '/r/go.mod')).toBe('v1.36.3');
    const dir = temp();
    cpSync(recipeRoot(), dir, { recursive: true });
    const etcdMod = join(dir, 'etcd', 'go.mod');
    writeFileSync(etcdMod, readFileSync(etcdMod, 'utf8').replace(/(etcdctl\/v3 )v\S+/, '$1v3.6.0'));
    expect(() => readRecipe('go1.26.8', 'amd64', dir)).toThrow(/etcdctl v3\.6\.0 and the etcd server v3\.6\.\d+ differ/);
  });
});
