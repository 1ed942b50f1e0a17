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
const show = (active: string, sub: string, file: string, load = 'loaded') =>
  fact('show', 0, `LoadState=${load}\nActiveState=${active}\nSubState=${sub}\nUnitFileState=${file}\n`);

describe('unit check', () => {
  it('on a host without systemd, fails with systemctl’s own explanation', async () => {
    const result = await runOne('unit', { unit: 'etcd.service' });
    expect(result.ok).toBe(false);
    expect(result.diagnosis?.where).toBe('local: unit etcd.service');
    expect(result.diagnosis?.found).toMatch(/^cannot ask systemd about the unit: .*(System has not been booted with systemd|Failed to connect to bus)/);
  });

  it('passes for an active, enabled unit', () => {
    const verdict = judge({ unit: 'etcd.service', enabled: true }, [show('active', 'running', 'enabled')]);
    expect(verdict).toEqual({ ok: true, observed: 'active (running), enabled' });
  });

  it('fails for a failed unit and shows the last journal lines', () => {
    const journal = '2026-01-01T00:00:00+0000 server etcd[123]: error: listen tcp [fd00:4::20]:2380: bind: cannot assign requested address\n';
    const verdict = judge({ unit: 'etcd.service' }, [show('failed', 'failed', 'enabled'), fact('journal', 0, journal)]);
    expect(verdict.ok).toBe(false);
    expect(verdict.diagnosis).toEqual({ found: `unit is failed, expected active; last journal lines:\n  ${journal.trim()}`, where: 'unit etcd.service' });
  });

  it('fails for a disabled unit even when it runs (it would not come back after a reboot)', () => {
    const verdict = judge({ unit: 'kubelet.service', enabled: true }, [show('active', 'running', 'disabled')]);
    expect(verdict.diagnosis?.found).toBe('unit is disabled, expected enabled');
  });

  it('can expect a unit stopped and disabled', () => {
    expect(judge({ unit: 'old.timer', active: false, enabled: false }, [show('inactive', 'dead', 'disabled')]).ok).toBe(true);
    expect(judge({ unit: 'old.timer', active: false }, [show('active', 'waiting', 'enabled')]).diagnosis?.found).toBe('unit is active, expected stopped');
  });

  it('says so when the unit is not installed at all', () => {
    const verdict = judge({ unit: 'kube-apiserver.service' }, [show('inactive', 'dead', '', 'not-found')]);
    expect(verdict.diagnosis?.found).toBe('the unit is not installed (systemd has no unit file by that name)');
  });

  it('gathers the journal only when the unit is not active, with the unit name quoted', () => {
    const script = unitCheck.gather(unitCheck.parse({ unit: 'kthw-defrag@weekly.timer', enabled: true }));
    expect(script).toContain('kthw_fact show systemctl show -p LoadState -p ActiveState -p SubState -p UnitFileState -- kthw-defrag@weekly.timer');
    expect(script).toContain(`then kthw_fact journal journalctl -u kthw-defrag@weekly.timer -n 5 --no-pager`);
  });
});
