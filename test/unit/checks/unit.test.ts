import { describe, expect, it } from 'vitest';
import { unitCheck } from '../../../checks/index.js';
import { runOne } from './helpers.js';

/*
 * systemd is not PID 1 on this machine, so a unit cannot be active here. The live test (start,
 * stop, disable a real unit and see the check follow) is test/lab/checks-live.test.ts on the lab
 * machines. Here: the real systemctl's answer on a host without systemd, and the judge on fact
 * lines in the runner's wire format carrying systemctl's documented answers.
 */
const fact = (name: string, code: number, stdout: string, stderr = '') =>
  `${name} ${code} ${Buffer.from(stdout).toString('base64')} ${Buffer.from(stderr).toString('base64')}`;

const judge = (params: Record<string, unknown>, lines: string[]) => unitCheck.judge(unitCheck.parse(params), lines.join('\n'));

describe('unit check', () => {
  it('on a host without systemd, fails with systemctl’s own explanation', async () => {
    const result = await runOne('unit', { unit: 'etcd.service' });
    expect(result.ok).toBe(false);
    expect(result.diagnosis?.where).toBe('local: unit etcd.service');
    expect(result.diagnosis?.found).toMatch(/System has not been booted with systemd|offline|unknown|inactive/);
  });

  it('passes for an active, enabled unit', () => {
    const verdict = judge({ unit: 'etcd.service', enabled: true }, [fact('active', 0, 'active\n'), fact('enabled', 0, 'enabled\n')]);
    expect(verdict).toEqual({ ok: true, observed: 'active, enabled' });
  });

  it('fails for a failed unit and shows the last journal lines', () => {
    const journal = '2026-01-01T00:00:00+0000 server etcd[123]: error: listen tcp [fd00:4::20]:2380: bind: cannot assign requested address\n';
    const verdict = judge({ unit: 'etcd.service' }, [fact('active', 3, 'failed\n'), fact('journal', 0, journal)]);
    expect(verdict.ok).toBe(false);
    expect(verdict.diagnosis).toEqual({ found: `unit is failed, expected active; last journal lines:\n  ${journal.trim()}`, where: 'unit etcd.service' });
  });

  it('fails for a disabled unit even when it runs (it would not come back after a reboot)', () => {
    const verdict = judge({ unit: 'kubelet.service', enabled: true }, [fact('active', 0, 'active\n'), fact('enabled', 1, 'disabled\n')]);
    expect(verdict.diagnosis?.found).toBe('unit is disabled, expected enabled');
  });

  it('can expect a unit stopped and disabled', () => {
    expect(judge({ unit: 'old.timer', active: false, enabled: false }, [fact('active', 3, 'inactive\n'), fact('enabled', 1, 'disabled\n')]).ok).toBe(true);
    expect(judge({ unit: 'old.timer', active: false }, [fact('active', 0, 'active\n')]).diagnosis?.found).toBe('unit is active, expected stopped');
  });

  it('gathers the journal only when the unit is not active, with the unit name quoted', () => {
    const script = unitCheck.gather(unitCheck.parse({ unit: 'kthw-defrag@weekly.timer', enabled: true }));
    expect(script).toContain('kthw_fact active systemctl is-active -- kthw-defrag@weekly.timer');
    expect(script).toContain('if ! systemctl is-active --quiet -- kthw-defrag@weekly.timer; then kthw_fact journal journalctl -u kthw-defrag@weekly.timer -n 5 --no-pager');
  });
});
