import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localExecutor, runChecks } from '../../../src/checks-runner/index.js';
import type { CheckSpec } from '../../../src/plan/types.js';
import { tempDir } from './helpers.js';

const dir = tempDir('hostile');
const canary = join(dir, 'canary');

/** Names that break an unquoted (or badly quoted) shell command, each trying to create the canary. */
const hostileNames = [
  `semi; touch ${canary}`,
  `dollar$(touch ${canary})`,
  `back\`touch ${canary}\``,
  `quote'; touch ${canary}; echo '`,
  `double"; touch ${canary}; echo "`,
  `new\nline; touch ${canary}`,
  `-rf --version`,
  `star * and ~ and $HOME and \\ backslash`,
];

function spec(id: string, kind: string, params: Record<string, unknown>): CheckSpec {
  return { id, title: id, host: 'local', kind, params, why: 'w', fix: 'f' };
}

describe('hostile values in params never reach the shell unquoted', () => {
  it('file paths with ; $( ` quotes newlines leading dashes are checked as exact names', async () => {
    const specs = hostileNames.flatMap((name, i) => {
      const sub = join(dir, `d${i}`);
      // The canary's path holds slashes: the hostile name becomes a few nested directories.
      mkdirSync(dirname(join(sub, name)), { recursive: true });
      writeFileSync(join(sub, name), `content ${i}`, { mode: 0o600 });
      return [
        spec(`present-${i}`, 'file', { path: join(sub, name), mode: '0600', contains: `content ${i}`, sha256: '0'.repeat(64) }),
        spec(`absent-${i}`, 'file', { path: join(sub, `${name}.missing`) }),
      ];
    });
    const results = await runChecks(specs, localExecutor);
    results.forEach((result, i) => {
      const name = hostileNames[Math.floor(i / 2)]!;
      if (i % 2 === 0) {
        // Found and read (only the deliberately wrong hash fails): the exact file, no injection.
        expect(result.diagnosis?.found, name).toMatch(/^content sha256 is [0-9a-f]{64}, expected 0{64}$/);
      } else {
        expect(result.diagnosis?.found, name).toMatch(/^cannot stat the file: .*No such file or directory/);
      }
    });
    expect(existsSync(canary)).toBe(false);
  });

  it('x509, kubeconfig, http and etcd params are quoted too', async () => {
    const bad = hostileNames.slice(0, 6);
    const specs = bad.flatMap((name, i) => [
      spec(`x509-${i}`, 'x509', { path: join(dir, name), caPath: join(dir, `${name}.ca`), keyPath: join(dir, `${name}.key`) }),
      spec(`kubeconfig-${i}`, 'kubeconfig', { path: join(dir, name), caPath: join(dir, `${name}.ca`) }),
      spec(`http-${i}`, 'http', {
        url: `http://127.0.0.1:9/${encodeURI(name)}`,
        cacert: join(dir, name),
        cert: join(dir, `${name}:x`),
        key: join(dir, name),
        timeoutSeconds: 2,
      }),
      spec(`health-${i}`, 'etcd-health', { members: [{ name, clientUrl: `http://127.0.0.1:9/${encodeURI(name)}` }], cacert: join(dir, name) }),
      spec(`members-${i}`, 'etcd-members', {
        endpoints: [`http://127.0.0.1:9/`],
        members: [{ name, peerUrls: ['http://127.0.0.1:9'] }],
        cert: join(dir, name),
        key: join(dir, name),
      }),
    ]);
    const results = await runChecks(specs, localExecutor, { checkTimeoutMs: 10_000 });
    expect(results.every((r) => !r.ok)).toBe(true);
    for (const result of results.filter((r) => r.id.startsWith('x509') || r.id.startsWith('kubeconfig'))) {
      expect(result.diagnosis?.found).toMatch(/No such file|cannot open/);
    }
    expect(existsSync(canary)).toBe(false);
  });

  it('refuses unit names that are not unit names, and URLs with a comma for etcd', async () => {
    await expect(runChecks([spec('u', 'unit', { unit: `etcd; touch ${canary}` })], localExecutor)).rejects.toThrow(/param "unit" must be a systemd unit name/);
    await expect(runChecks([spec('e', 'etcd-health', { members: [{ name: 'a', clientUrl: 'http://a:1,http://b:2' }] })], localExecutor)).rejects.toThrow(
      /param "members\[0\]\.clientUrl" must be an http\(s\) URL/,
    );
  });
});
