/**
 * The Ansible export of the reference topology on real machines: a lab of this file's own (exv6, the
 * ipv6-ha lab moved to fd00:58:), eight machines, IPv6 only, etcd as three members over TLS. kthw runs
 * chapters 01–07, the lab is exported and reset to the bare image, and `ansible-playbook site.yml`
 * rebuilds it: `kthw verify` passes, a replay finds nothing to change (Ansible wrote what kthw writes),
 * a second playbook run reports changed=0 on every host, and the exported verify.yml passes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chapters as registry } from '../../chapters/index.js';
import { localLab } from '../../lab/local/driver.js';
import { labDown } from '../../lab/local/index.js';
import { loadLab } from '../../src/lab/load.js';
import { KTHW_STEPS_LIMIT_MS, PLAYBOOK_LIMIT_MS, ansiblePlaybook, kthwOn, labVariant, recapChanged, upWithChapters, useLabHome } from './helpers.js';

const scratch = mkdtempSync(join(tmpdir(), 'kthw-exv6-'));
const labFile = labVariant(scratch, 'ipv6-ha', 'exv6', [['fd00:4:', 'fd00:58:']]);
const lab = await loadLab(labFile);
const chapters = ['chapter-1', 'chapter-2', 'chapter-3', 'chapter-4', 'chapter-5', 'chapter-6', 'chapter-7'];

const kthw = (...args: string[]) => kthwOn(labFile, ...args);

beforeAll(() => {
  useLabHome();
  upWithChapters(kthw, chapters);
});

afterAll(async () => {
  useLabHome();
  await labDown(lab.name);
  rmSync(scratch, { recursive: true, force: true });
});

describe('the Ansible export of the ipv6-ha lab (three etcd members, IPv6 only)', () => {
  // Three playbook runs (site.yml twice, verify.yml) and kthw's steps around them.
  it(
    'rebuilds reset machines: kthw verify passes, a replay and a second run change nothing, verify.yml passes',
    { timeout: 3 * PLAYBOOK_LIMIT_MS + KTHW_STEPS_LIMIT_MS },
    () => {
      const dir = join(scratch, 'ansible');
      const exported = kthw('export', 'ansible', dir, '--until', 'chapter-7');
      expect(exported.code, exported.output).toBe(0);
      const reset = kthw('lab', 'reset', 'all');
      expect(reset.code, reset.output).toBe(0);
      expect(kthw('verify', 'chapter-7').code).toBe(1); // the reset took the etcd cluster away

      const first = ansiblePlaybook(dir, 'site.yml');
      expect(recapChanged(first.output)).toHaveLength(lab.hosts.length);
      const verified = kthw('verify', 'all', '--until', 'chapter-7');
      expect(verified.code, verified.output.slice(-3000)).toBe(0);
      const every = registry
        .filter((c) => c.meta.tracks.includes(lab.track) && c.meta.number <= 7)
        .reduce((sum, c) => sum + c.plan(lab, localLab.params(lab)).checks.length, 0);
      expect(verified.output).toContain(`${every} checks passed, 0 failed`);

      const replayed = kthw('--json', 'replay');
      expect(replayed.code, replayed.output.slice(-3000)).toBe(0);
      expect(JSON.parse(replayed.stdout)).toMatchObject({ ok: true, changed: 0 });

      const second = ansiblePlaybook(dir, 'site.yml');
      expect(recapChanged(second.output)).toEqual(lab.hosts.map(() => 0));
      const checks = ansiblePlaybook(dir, 'verify.yml');
      expect(checks.output).toMatch(/failed=0/);
      expect(checks.output).not.toMatch(/failed=[1-9]/);
      process.stderr.write(
        `[exv6] ansible-playbook site.yml onto reset machines: ${first.seconds.toFixed(1)} s, second run ${second.seconds.toFixed(1)} s, verify.yml ${checks.seconds.toFixed(1)} s\n`,
      );
    },
  );
});
