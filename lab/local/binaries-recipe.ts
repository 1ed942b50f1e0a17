/**
 * The recipe of the local release mirror: which Go modules (pinned by the go.mod and go.sum under
 * lab/binaries/) become which files, stamped with which version, laid out as upstream's download
 * URLs name them. Reading it runs nothing; `binaries.ts` builds it.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentError } from '../../src/util/errors.js';
import { projectRoot } from './paths.js';

/** One `go build` of one main package. */
export interface GoBinary {
  /** The recipe directory under lab/binaries/ whose go.mod pins it. */
  module: 'kubernetes' | 'etcd' | 'crictl';
  /** The file name it is built as. */
  name: string;
  /** The main package. */
  pkg: string;
  tags: string[];
  /** -X settings, `importpath.name=value`, as the project's own build stamps its version. */
  stamps: string[];
}

/** A file of the mirror: a plain binary, or a .tar.gz holding binaries (and files of a module) under `dir`. */
export type MirrorFile =
  | { kind: 'binary'; file: string; binary: GoBinary }
  | { kind: 'archive'; file: string; dir: string; binaries: GoBinary[]; docs: Array<{ from: string; as: string }> };

export interface BinariesRecipe {
  versions: { kubernetes: string; etcd: string; crictl: string };
  /** The Go the binaries are built with (part of the hash: another Go makes other bytes). */
  goVersion: string;
  arch: string;
  files: MirrorFile[];
  /** sha256 over everything above and the pinned module files: the cache key with the kubernetes version. */
  hash: string;
  /** lab/binaries/ */
  root: string;
}

/** Bump when the way binaries are built changes without the go.mod files changing. */
const BUILDER_REVISION = 1;
const MODULES = ['kubernetes', 'etcd', 'crictl'] as const;

export function recipeRoot(): string {
  return join(projectRoot(), 'lab', 'binaries');
}

/** The version `require`d of a module in a recipe go.mod. */
export function requiredVersion(goMod: string, modulePath: string, where: string): string {
  const escaped = modulePath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\d+\\.\\d+\\.\\d+)\\s*(?://.*)?$`, 'm').exec(goMod);
  if (!match)
    throw new EnvironmentError(`${where} does not require ${modulePath} at a release version (vX.Y.Z)`, {
      where,
      fix: `add \`require ${modulePath} vX.Y.Z\` and run go mod tidy there`,
    });
  return match[1]!;
}

function k8sStamps(version: string, releaseDate: string): string[] {
  const [, major, minor] = /^v(\d+)\.(\d+)\./.exec(version)!;
  const values: Record<string, string> = {
    gitVersion: version,
    gitMajor: major!,
    gitMinor: minor!,
    // Built from the module's source archive, not a git checkout: upstream's version.sh says "archive" then.
    gitTreeState: 'archive',
    buildDate: releaseDate,
  };
  return ['k8s.io/client-go/pkg/version', 'k8s.io/component-base/version'].flatMap((pkg) => Object.entries(values).map(([k, v]) => `${pkg}.${k}=${v}`));
}

/**
 * The recipe as pinned in lab/binaries/ for this Go and architecture. `releaseDates` are the
 * module proxy's times of the releases (stamped as buildDate, so two builds give the same bytes).
 */
export function readRecipe(goVersion: string, arch: string, root = recipeRoot()): BinariesRecipe {
  const mod = (m: string) => readFileSync(join(root, m, 'go.mod'), 'utf8');
  const sum = (m: string) => readFileSync(join(root, m, 'go.sum'), 'utf8');
  const kubernetes = requiredVersion(mod('kubernetes'), 'k8s.io/kubernetes', join(root, 'kubernetes', 'go.mod'));
  const etcd = requiredVersion(mod('etcd'), 'go.etcd.io/etcd/server/v3', join(root, 'etcd', 'go.mod'));
  for (const tool of ['etcdctl', 'etcdutl']) {
    const other = requiredVersion(mod('etcd'), `go.etcd.io/etcd/${tool}/v3`, join(root, 'etcd', 'go.mod'));
    if (other !== etcd)
      throw new EnvironmentError(`${tool} ${other} and the etcd server ${etcd} differ`, {
        where: join(root, 'etcd', 'go.mod'),
        fix: 'require the same version of server/v3, etcdctl/v3 and etcdutl/v3',
      });
  }
  const crictl = requiredVersion(mod('crictl'), 'sigs.k8s.io/cri-tools', join(root, 'crictl', 'go.mod'));
  const releaseDate = readFileSync(join(root, 'kubernetes', 'release-date'), 'utf8').trim();
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(releaseDate))
    throw new EnvironmentError(`bad release date ${JSON.stringify(releaseDate)}`, {
      where: join(root, 'kubernetes', 'release-date'),
      fix: 'write the release time as YYYY-MM-DDTHH:MM:SSZ (the module proxy .info Time)',
    });

  const kube = (name: string): MirrorFile => ({
    kind: 'binary',
    file: name,
    // Upstream's hack/lib/golang.sh: these tags, -trimpath, -s -w, and the version stamps of hack/lib/version.sh.
    binary: {
      module: 'kubernetes',
      name,
      pkg: `k8s.io/kubernetes/cmd/${name}`,
      tags: ['selinux', 'notest', 'grpcnotrace'],
      stamps: k8sStamps(kubernetes, releaseDate),
    },
  });
  // etcd's own build stamps the git commit, or "GitNotFound" where there is no git: a module archive has none.
  const etcdStamp = ['go.etcd.io/etcd/api/v3/version.GitSHA=GitNotFound'];
  const etcdBinary = (name: string, pkg: string): GoBinary => ({ module: 'etcd', name, pkg, tags: [], stamps: etcdStamp });
  const etcdDir = `etcd-${etcd}-linux-${arch}`;
  const files: MirrorFile[] = [
    ...['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubelet', 'kube-proxy', 'kubectl'].map(kube),
    {
      kind: 'archive',
      file: `crictl-${crictl}-linux-${arch}.tar.gz`,
      dir: '.',
      binaries: [
        {
          module: 'crictl',
          name: 'crictl',
          pkg: 'sigs.k8s.io/cri-tools/cmd/crictl',
          tags: [],
          stamps: [`sigs.k8s.io/cri-tools/pkg/version.Version=${crictl.replace(/^v/, '')}`],
        },
      ],
      docs: [],
    },
    {
      kind: 'archive',
      file: `${etcdDir}.tar.gz`,
      dir: etcdDir,
      binaries: [
        etcdBinary('etcd', 'go.etcd.io/etcd/server/v3'),
        etcdBinary('etcdctl', 'go.etcd.io/etcd/etcdctl/v3'),
        etcdBinary('etcdutl', 'go.etcd.io/etcd/etcdutl/v3'),
      ],
      docs: [
        { from: `go.etcd.io/etcd/etcdctl/v3@${etcd}/README.md`, as: 'README-etcdctl.md' },
        { from: `go.etcd.io/etcd/etcdutl/v3@${etcd}/README.md`, as: 'README-etcdutl.md' },
      ],
    },
  ];
  const hash = createHash('sha256')
    .update(JSON.stringify({ BUILDER_REVISION, goVersion, arch, files, modules: MODULES.map((m) => [mod(m), sum(m)]) }))
    .digest('hex')
    .slice(0, 16);
  return { versions: { kubernetes, etcd, crictl }, goVersion, arch, files, hash, root };
}
