/**
 * One `go build` of a recipe binary: niced (the build shares the machine), with its own module and
 * build caches under /var/cache/kthw/go, offline from the pinned go.sum, and a line of progress
 * every half minute so a long compile does not look hung.
 */
import { join } from 'node:path';
import { EnvironmentError } from '../../src/util/errors.js';
import type { GoBinary } from './binaries-recipe.js';
import type { LabLog } from './log.js';
import { run } from './run.js';

export function goCacheRoot(): string {
  return process.env.KTHW_GO_CACHE ?? '/var/cache/kthw/go';
}

/** GOMODCACHE and GOCACHE of the recipe's builds: kept between runs, so a second build takes seconds. */
export function goEnv(cacheRoot = goCacheRoot()): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GOMODCACHE: join(cacheRoot, 'mod'),
    GOCACHE: join(cacheRoot, 'build'),
    // the Go installed here, never one the go.mod asks to download
    GOTOOLCHAIN: 'local',
    // the go.sum in the recipe is the pin: a module it does not list is an error, not a silent update
    GOFLAGS: '-mod=readonly -buildvcs=false',
    // static binaries, as upstream builds its control-plane binaries: they run on any distribution
    CGO_ENABLED: '0',
  };
}

/** `go env` values, with a clear error when Go is not installed. */
export async function goFacts(): Promise<{ version: string; arch: string }> {
  const result = await run('go', ['env', 'GOVERSION', 'GOARCH'], { env: goEnv(), allowFail: true }).catch((error: unknown) => {
    throw new EnvironmentError('Go is not installed: the local lab builds its Kubernetes binaries from their Go modules', {
      fix: 'install Go 1.26 or newer (https://go.dev/dl) so that `go` is on PATH',
      cause: error,
    });
  });
  const [version, arch] = result.stdout.trim().split('\n');
  if (result.code !== 0 || !version || !arch)
    throw new EnvironmentError(`go env failed: ${result.stderr.trim()}`, { fix: 'check the Go installation (go version)' });
  return { version, arch };
}

const stampPattern = /^[A-Za-z0-9._/-]+=[A-Za-z0-9._:/+-]*$/;

/** The go build argv (after `go`) for one binary. */
export function goBuildArgs(binary: GoBinary, output: string): string[] {
  for (const stamp of binary.stamps) {
    if (!stampPattern.test(stamp))
      throw new EnvironmentError(`bad version stamp ${JSON.stringify(stamp)} for ${binary.name}`, {
        fix: 'stamps are importpath.name=value without spaces or quotes',
      });
  }
  const ldflags = [...binary.stamps.map((s) => `-X=${s}`), '-s', '-w'].join(' ');
  return ['build', '-trimpath', ...(binary.tags.length ? [`-tags=${binary.tags.join(',')}`] : []), `-ldflags=${ldflags}`, '-o', output, binary.pkg];
}

export async function goBuild(binary: GoBinary, output: string, moduleDir: string, log: LabLog, label: string): Promise<void> {
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 1000);
  log(`${label}: building ${binary.name} (${binary.pkg})`);
  const ticker = setInterval(() => log(`${label}: still building ${binary.name}, ${seconds()} s`), 30_000);
  try {
    const result = await run('nice', ['-n', '5', 'go', ...goBuildArgs(binary, output)], { env: goEnv(), cwd: moduleDir, allowFail: true });
    if (result.code !== 0) {
      throw new EnvironmentError(`go build of ${binary.name} failed (exit ${result.code})`, {
        where: join(moduleDir, 'go.mod'),
        fix: `check that the Go module proxy is reachable and the go.sum is complete; go said: ${result.stderr.trim().split('\n').slice(-8).join(' | ')}`,
      });
    }
  } finally {
    clearInterval(ticker);
  }
  log(`${label}: ${binary.name} built in ${seconds()} s`);
}
