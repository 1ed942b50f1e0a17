import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { labDown, labStatus, labUp } from '../../lab/local/index.js';
import { recordPath, readRecord } from '../../lab/local/runtime-record.js';
import { labStateDir } from '../../lab/local/paths.js';
import { NO_TRACES, labTraces, sshRun, useLabHome } from './helpers.js';
import { loadLab } from '../../src/lab/load.js';

const fixtures = resolve(import.meta.dirname, 'fixtures');
const mini = await loadLab(join(fixtures, 'mini.yaml'));

beforeAll(() => useLabHome());

describe('lab up and down', () => {
  it('20 up/down cycles of a 2-machine lab leave no netns, veth, mount, cgroup or process', async () => {
    for (let cycle = 0; cycle < 20; cycle++) {
      const status = await labUp(mini);
      expect(status.machines.map((m) => m.running && m.sshReachable)).toEqual([true, true]);
      await labDown(mini.name);
      expect(labTraces(mini), `after cycle ${cycle + 1}`).toEqual(NO_TRACES);
    }
  });

  it('recovers from kill -9 of lab up midway: down cleans up, up boots again', async () => {
    const child = join(fixtures, 'lab-up-child.ts');
    const file = join(fixtures, 'mini.yaml');
    // two kill points: while the network is being made, and while the machines boot
    for (const killWhen of ['record', 'booting'] as const) {
      const up = spawn(process.execPath, ['--import', 'tsx', child, file], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
      const deadline = Date.now() + 60_000;
      for (;;) {
        const record = existsSync(recordPath(mini.name)) ? readRecord(mini.name) : undefined;
        if (killWhen === 'record' && record) break;
        if (killWhen === 'booting' && record?.machines.some((m) => m.supervisorPid !== undefined)) break;
        expect(Date.now(), `lab up child never reached ${killWhen}`).toBeLessThan(deadline);
        await new Promise((r) => setTimeout(r, 2));
      }
      up.kill('SIGKILL');
      await new Promise((r) => up.once('close', r));

      await labDown(mini.name);
      expect(labTraces(mini), `after kill at ${killWhen}`).toEqual(NO_TRACES);
      const status = await labUp(mini);
      expect(status.up).toBe(true);
      expect((await sshRun(mini, 'beta', 'hostname')).stdout.trim()).toBe('beta');
      await labDown(mini.name);
      expect(labTraces(mini)).toEqual(NO_TRACES);
    }
  });

  it('lab up of a lab already up is a no-op that waits for SSH; lab down twice is fine', async () => {
    const first = await labUp(mini);
    const pids = first.machines.map((m) => m.pid);
    const second = await labUp(mini);
    expect(second.machines.map((m) => m.pid)).toEqual(pids);
    await labDown(mini.name);
    await labDown(mini.name);
    expect(labTraces(mini)).toEqual(NO_TRACES);
    expect((await labStatus(mini)).machines.every((m) => !m.running)).toBe(true);
  });

  it('down with keep leaves the disks, and the next up boots them with their changes', async () => {
    await labUp(mini);
    await sshRun(mini, 'alpha', 'echo kept > /root/kept.txt');
    await labDown(mini.name, { keep: true });
    expect(readdirSync(labStateDir(mini.name))).toContain('alpha');
    await labUp(mini);
    expect((await sshRun(mini, 'alpha', 'cat /root/kept.txt')).stdout).toBe('kept\n');
    await labDown(mini.name);
    expect(labTraces(mini)).toEqual(NO_TRACES);
  });
});
