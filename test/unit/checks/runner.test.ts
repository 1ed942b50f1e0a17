import { EnvironmentError } from '../../../src/util/errors.js';
import { connect } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckSpec } from '../../../src/plan/types.js';
import { localExecutor, runChecks, type CheckExecutor } from '../../../src/checks-runner/index.js';
import { UsageError } from '../../../src/util/errors.js';
import { tempDir } from './helpers.js';

const dir = tempDir('runner');
writeFileSync(join(dir, 'present'), 'x', { mode: 0o600 });

function spec(id: string, host: string, kind: string, params: Record<string, unknown>): CheckSpec {
  return { id, title: `title ${id}`, host, kind, params, why: `why ${id}`, fix: `fix ${id}` };
}

/** The real local executor, counting calls and how many run at once. */
function counting(): CheckExecutor & { calls: string[]; maxInFlight: number } {
  let inFlight = 0;
  const executor = {
    calls: [] as string[],
    maxInFlight: 0,
    async exec(host: string, script: string, options?: { timeoutMs?: number }) {
      executor.calls.push(host);
      inFlight++;
      executor.maxInFlight = Math.max(executor.maxInFlight, inFlight);
      try {
        return await localExecutor.exec(host, script, options);
      } finally {
        inFlight--;
      }
    },
  };
  return executor;
}

describe('runChecks', () => {
  it('runs all checks of one host as exactly one exec, results in spec order', async () => {
    const executor = counting();
    const specs = [
      spec('a', 'node-0', 'file', { path: join(dir, 'present') }),
      spec('b', 'node-0', 'file', { path: join(dir, 'absent') }),
      spec('c', 'node-0', 'command', { run: 'echo hi' }),
      spec('d', 'node-0', 'command', { run: 'exit 2' }),
      spec('e', 'node-0', 'port', { port: 9 }),
    ];
    const results = await runChecks(specs, executor);
    expect(executor.calls).toEqual(['node-0']);
    expect(results.map((r) => [r.id, r.ok])).toEqual([
      ['a', true],
      ['b', false],
      ['c', true],
      ['d', false],
      ['e', false],
    ]);
    expect(results[1]!.diagnosis).toMatchObject({ where: `node-0:${join(dir, 'absent')}`, why: 'why b', fix: 'fix b' });
  });

  it('runs one exec per host, hosts in parallel bounded by concurrency', async () => {
    const executor = counting();
    const hosts = ['h1', 'h2', 'h3', 'h4', 'h5'];
    const specs = hosts.flatMap((h) => [spec(`${h}-a`, h, 'command', { run: 'sleep 0.3' }), spec(`${h}-b`, h, 'file', { path: join(dir, 'present') })]);
    const results = await runChecks(specs, executor, { concurrency: 2 });
    expect([...executor.calls].sort()).toEqual(hosts);
    expect(executor.maxInFlight).toBe(2);
    expect(results.map((r) => r.id)).toEqual(specs.map((s) => s.id));
    expect(results.every((r) => r.ok)).toBe(true);
  });

  it('reports an unreachable host on each of its checks, by name, and still checks the others', async () => {
    // A real refused connection: what the SSH pool meets when sshd is down.
    const refusing: CheckExecutor = {
      exec: (host, script, options) =>
        host === 'node-1'
          ? new Promise((_, reject) => {
              const socket = connect(9, '127.0.0.1');
              socket.on('error', (error) => reject(new Error(`connect to node-1 (127.0.0.1:9): ${error.message}`)));
            })
          : localExecutor.exec(host, script, options),
    };
    const results = await runChecks(
      [
        spec('x', 'node-1', 'file', { path: '/etc/hostname' }),
        spec('y', 'node-0', 'file', { path: join(dir, 'present') }),
        spec('z', 'node-1', 'port', { port: 22 }),
      ],
      refusing,
    );
    expect(results.map((r) => r.ok)).toEqual([false, true, false]);
    for (const failed of [results[0]!, results[2]!]) {
      expect(failed.observed).toBe('not checked');
      expect(failed.diagnosis?.where).toBe('node-1');
      expect(failed.diagnosis?.found).toMatch(/^cannot run checks on host node-1: connect to node-1 \(127\.0\.0\.1:9\): connect ECONNREFUSED/);
      // the host is the problem, not the check: the fix says so
      expect(failed.diagnosis?.fix).toBe('make node-1 reachable over SSH (is the machine up? kthw lab status), then check again');
    }
  });

  it("passes on the connection error's own fix (e.g. the host key to trust)", async () => {
    const refusing: CheckExecutor = {
      exec: async () =>
        Promise.reject(new EnvironmentError('HOST KEY CHANGED for node-3', { fix: 'ssh-keygen -R node-3 -f known_hosts if the machine was rebuilt' })),
    };
    const [result] = await runChecks([spec('x', 'node-3', 'port', { port: 22 })], refusing);
    expect(result!.diagnosis).toMatchObject({
      found: 'cannot run checks on host node-3: HOST KEY CHANGED for node-3',
      fix: 'ssh-keygen -R node-3 -f known_hosts if the machine was rebuilt',
    });
  });

  it('a hung command is stopped alone; the checks before and after it are judged', async () => {
    const results = await runChecks(
      [
        spec('before', 'local', 'file', { path: join(dir, 'present') }),
        spec('stuck', 'local', 'command', { run: 'sleep 30' }),
        spec('after', 'local', 'file', { path: join(dir, 'present') }),
      ],
      localExecutor,
      { checkTimeoutMs: 1000 },
    );
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[1]!.diagnosis?.found).toBe('the command did not finish within its time limit and was stopped');
  });

  it('a host that never answers fails its checks once the batch limit passes', async () => {
    const silent: CheckExecutor = { exec: () => new Promise(() => {}) };
    const [result] = await runChecks([spec('x', 'node-2', 'port', { port: 22 })], silent, { timeoutMs: 200 });
    expect(result!.diagnosis).toMatchObject({ where: 'node-2', found: 'cannot run checks on host node-2: no answer within 0 s' });
  });

  // The check kills the batch shell itself (sh → timeout → snippet subshell → batch bash), guarded by its script text.
  it('a batch killed midway keeps the verdicts gathered before and fails the rest clearly', async () => {
    const results = await runChecks(
      [
        spec('before', 'local', 'file', { path: join(dir, 'present') }),
        spec('killer', 'local', 'command', { run: 't=$(ps -o ppid= -p $(ps -o ppid= -p $PPID)); ps -o args= -p $t | grep -q KTHW_FACT_DIR && kill -9 $t' }),
        spec('after', 'local', 'file', { path: join(dir, 'present') }),
      ],
      localExecutor,
    );
    expect(results[0]!.ok).toBe(true);
    expect(results[2]!.diagnosis?.found).toMatch(/^no output from host local for this check \(the batch ended with (a signal or timeout|exit code \d+)/);
  });

  it('output that looks like markers or facts cannot spill into another check', async () => {
    const forged = "printf 'kthw-0000-1\\nstat 0 %s \\n' $(printf 'fake' | base64); exit 1";
    const results = await runChecks(
      [spec('noisy', 'local', 'command', { run: forged }), spec('file', 'local', 'file', { path: join(dir, 'absent') })],
      localExecutor,
    );
    expect(results[0]!.ok).toBe(false);
    expect(results[1]!.ok).toBe(false);
    expect(results[1]!.diagnosis?.found).toMatch(/cannot stat the file/);
  });

  it('rejects an unknown kind and bad params before any exec, naming the check', async () => {
    const executor = counting();
    const unknown = runChecks([spec('ok', 'a', 'file', { path: '/x' }), spec('weird', 'a', 'dns', {})], executor);
    await expect(unknown).rejects.toThrow(UsageError);
    await expect(unknown).rejects.toThrow('check "weird" (dns) on a: unknown check kind "dns"');
    await expect(runChecks([spec('bad', 'a', 'port', { port: 'ssh' })], executor)).rejects.toThrow(/check "bad" \(port\) on a: .*param "port"/);
    expect(executor.calls).toEqual([]);
  });

  it('returns nothing for no specs', async () => {
    expect(await runChecks([], localExecutor)).toEqual([]);
  });
});
