import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { chapters, findChapter } from '../../../chapters/index.js';
import type { Lab } from '../../../src/lab/types.js';
import type { Plan } from '../../../src/plan/types.js';
import { hostileLab, otherLab, shippedLabs, spaceyLab } from './fixtures.js';
import { unquotedText } from './sh-unquoted.js';

/** Every string of a plan that reaches a shell: commands, their guards and command checks. */
function shellStrings(plan: Plan): string[] {
  const fromSteps = plan.steps.flatMap((s) => s.actions).flatMap((a) => (a.kind === 'command' ? [a.run, ...(a.unless ? [a.unless] : [])] : []));
  const fromChecks = plan.checks.flatMap((c) => (c.kind === 'command' ? [String(c.params.run)] : []));
  return [...fromSteps, ...fromChecks];
}

let labs: Record<string, Lab>;
beforeAll(async () => {
  labs = { ...(await shippedLabs()), garage: otherLab() };
});

describe('the unquoted-text reader used below', () => {
  it('sees what the shell would interpret and hides what is single-quoted', () => {
    expect(unquotedText(`echo 'pwn;pwn' ok`)).toBe('echo  ok');
    expect(unquotedText(`echo 'a'\\''pwn' x`)).toBe('echo _ x');
    expect(unquotedText(`echo "$(pwn)"`)).toContain('pwn');
    expect(unquotedText('echo pwn')).toContain('pwn');
    expect(() => unquotedText(`echo 'open`)).toThrow(/unterminated/);
  });
});

describe('hostile lab values never reach a shell unquoted', () => {
  it.each(['classic', 'ipv6-ha', 'garage'])('host names and FQDNs of a hostile copy of the %s lab', (name) => {
    const lab = hostileLab(labs[name]!);
    let seen = 0;
    // Chapter 4 writes names into an openssl config too, which refuses shell metacharacters
    // outright; it gets names with spaces instead (below).
    expect(() => findChapter('chapter-4').plan(lab, {})).toThrow(/cannot be written into an openssl config/);
    for (const chapter of chapters.filter((c) => c.meta.id !== 'chapter-4')) {
      const plan = chapter.plan(lab, { mirror: "/tmp/pwn';pwn" });
      for (const command of shellStrings(plan)) {
        expect(unquotedText(command), `${chapter.meta.id}: ${command}`).not.toMatch(/pwn/);
        if (command.includes('pwn')) seen++;
      }
    }
    // The hostile names did reach commands (inside quotes): the test is not vacuous.
    expect(seen).toBeGreaterThan(lab.hosts.length);
  });

  it.each(['classic', 'ipv6-ha'])('chapter 4 with host names holding spaces (%s)', (name) => {
    const plan = findChapter('chapter-4').plan(spaceyLab(labs[name]!), {});
    const byHand = plan.steps
      .find((s) => s.id === 'openssl-config')!
      .why.split('```sh\n')[1]!
      .split('\n```')[0]!
      .split('\n');
    let seen = 0;
    for (const command of [...shellStrings(plan), ...byHand]) {
      expect(unquotedText(command), command).not.toMatch(/pwn/);
      if (command.includes('pwn')) seen++;
    }
    expect(seen).toBeGreaterThan(0);
  });

  it('hostile addresses in chapters 1–3', () => {
    const lab = hostileLab(labs.classic!);
    lab.hosts = lab.hosts.map((h, i) => ({ ...h, addresses: { ipv4: `10.0.0.${i};pwn$(pwn)`, ipv6: `fd00::${i}'pwn` } }));
    let seen = 0;
    for (const chapter of chapters.slice(0, 3)) {
      for (const command of shellStrings(chapter.plan(lab, {}))) {
        expect(unquotedText(command), command).not.toMatch(/pwn/);
        if (command.includes('10.0.0.')) seen++;
      }
    }
    expect(seen).toBeGreaterThan(0);
  });
});

describe('every command parses as POSIX sh (dash -n)', () => {
  it.each(['classic', 'ipv6-ha', 'garage', 'hostile'])('the %s lab', (name) => {
    const lab = name === 'hostile' ? hostileLab(labs.classic!) : labs[name]!;
    const all = chapters.flatMap((c) => (name === 'hostile' && c.meta.id === 'chapter-4' ? [] : shellStrings(c.plan(lab, {}))));
    expect(all.length).toBeGreaterThan(10);
    for (const command of new Set(all)) {
      const parsed = spawnSync('sh', ['-n', '-c', command], { encoding: 'utf8' });
      expect(parsed.status, `${command}\n${parsed.stderr}`).toBe(0);
    }
  });
});
