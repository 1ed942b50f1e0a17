import { describe, expect, it } from 'vitest';
import { runKthw } from '../../support/run-kthw.js';

describe('kthw CLI basics', () => {
  it('--help lists only commands that work and documents exit codes', () => {
    const { code, stdout } = runKthw(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: kthw');
    for (const command of ['doctor', 'lab']) expect(stdout).toContain(command);
    expect(stdout).toMatch(/Exit codes: 0 ok · 1 checks failed · 2 usage or bad input · 3 lab unreachable/);
  });

  it('--version prints the package version', async () => {
    const { version } = (await import('../../../package.json', { with: { type: 'json' } })).default;
    expect(runKthw(['--version'])).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('an unknown command or option is a usage error (exit 2)', () => {
    const unknown = runKthw(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    expect(runKthw(['doctor', '--frob']).code).toBe(2);
  });

  it('doctor reports each prerequisite as JSON with a documented shape', () => {
    const { code, stdout } = runKthw(['doctor', '--json']);
    const report = JSON.parse(stdout) as { ok: boolean; checks: Array<{ name: string; ok: boolean; found: string; needed: string[]; fix?: string }> };
    expect(code).toBe(report.ok ? 0 : 3);
    expect(report.checks.map((c) => c.name)).toEqual(
      expect.arrayContaining(['Node.js ≥ 20.19', 'running as root', 'systemd-nspawn', 'mmdebstrap', 'ip (iproute2)', 'kernel overlayfs', 'ssh client']),
    );
    for (const check of report.checks) if (!check.ok) expect(check.fix).toBeTruthy();
  });

  it('doctor names what is missing and exits 3 when a tool is absent from PATH', () => {
    // A PATH without the lab tools: sbin dirs are still searched, so hide them with an empty PATH
    // and check a tool that lives only in /usr/bin.
    const { code, stdout } = runKthw(['doctor'], { env: { PATH: '/nonexistent' } });
    expect(code).toBe(3);
    expect(stdout).toMatch(/✗ ssh client: apt-get install openssh-client/);
  });
});
