/**
 * A running cluster (chapters 01–12) reset to the bare image and rebuilt, once by `kthw replay` and
 * once by `ansible-playbook` of its own export: each time every check through chapter 12 passes and
 * a second pass changes nothing. Shared by the lab tests of both tracks.
 */
import { expect } from 'vitest';
import type { Lab } from '../../src/lab/types.js';
import { failing, type chapterHarness } from './chapter-harness.js';
import { ansiblePlaybook, recapChanged } from './helpers.js';

type Harness = ReturnType<typeof chapterHarness>;

interface ReplayJson {
  ok: boolean;
  changed: number;
  chapters: Array<{ chapter: string; changed: number }>;
  failure?: { message: string; where: string };
}

export const clusterChapters = Array.from({ length: 12 }, (_, i) => `chapter-${i + 1}`);

export function clusterRebuild(lab: Lab, { kthw, verifyUntil }: Harness, mustHave: string[]) {
  function replay(): ReplayJson {
    const result = kthw('--json', 'replay');
    expect(result.stdout.trim().startsWith('{'), result.output.slice(-4000)).toBe(true);
    return JSON.parse(result.stdout) as ReplayJson;
  }

  function resetLab(): void {
    const reset = kthw('lab', 'reset', 'all');
    expect(reset.code, reset.output).toBe(0);
    expect(kthw('verify', 'chapter-9').code).toBe(1); // the reset really took the nodes away
  }

  /** Every chapter's checks through 12 pass (nodes take a few seconds to turn Ready after a rebuild). */
  async function verifyCluster(): Promise<void> {
    const { code, checks } = await verifyUntil('all', (c) => failing(c).length === 0);
    expect(failing(checks)).toEqual([]);
    expect(code).toBe(0);
    const ids = checks.map((c) => c.id);
    for (const id of mustHave) expect(ids).toContain(id);
  }

  const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(0);

  return {
    async byReplay(): Promise<void> {
      resetLab();
      const started = performance.now();
      const first = replay();
      expect(first, first.failure?.message).toMatchObject({ ok: true });
      expect(first.chapters.map((c) => c.chapter)).toEqual(clusterChapters);
      process.stderr.write(`[${lab.name}] replay of chapters 01–12 onto reset machines: ${seconds(started)} s\n`);
      await verifyCluster();
      expect(replay()).toMatchObject({ ok: true, changed: 0 });
    },

    async byAnsible(dir: string): Promise<void> {
      const exported = kthw('export', 'ansible', dir, '--until', 'chapter-12');
      expect(exported.code, exported.output).toBe(0);
      resetLab();
      const first = ansiblePlaybook(dir, 'site.yml');
      expect(recapChanged(first.output)).toHaveLength(lab.hosts.length);
      expect(recapChanged(first.output).some((n) => n > 0)).toBe(true);
      await verifyCluster();
      // Ansible wrote what kthw would have written: a replay finds nothing to change.
      expect(replay()).toMatchObject({ ok: true, changed: 0 });
      const second = ansiblePlaybook(dir, 'site.yml');
      expect(recapChanged(second.output)).toEqual(lab.hosts.map(() => 0));
      const checks = ansiblePlaybook(dir, 'verify.yml');
      expect(checks.output).toMatch(/failed=0/);
      expect(checks.output).not.toMatch(/failed=[1-9]/);
      process.stderr.write(
        `[${lab.name}] ansible-playbook site.yml onto reset machines: ${first.seconds.toFixed(1)} s, second run ${second.seconds.toFixed(1)} s, verify.yml ${checks.seconds.toFixed(1)} s\n`,
      );
    },
  };
}
