import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runKthw } from '../../support/run-kthw.js';

const home = mkdtempSync(join(tmpdir(), 'kthw-cli-'));
const env = { KTHW_HOME: home };
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** What these tests read of the commands' --json output. */
interface ValidateReport {
  lab: { hosts: Array<{ name: string }> };
}
interface ChaptersReport {
  lab: string;
  chapters: object[];
}
interface StatusReport {
  lab: unknown;
  hosts: unknown[];
  chapters: unknown[];
}
interface ErrorReport {
  error: { message: string; fix?: string };
}

describe('kthw lab validate', () => {
  it('accepts both shipped lab files (exit 0) with a JSON summary', () => {
    for (const name of ['classic', 'ipv6-ha']) {
      const { code, stdout } = runKthw(['lab', 'validate', `lab/${name}.yaml`, '--json']);
      expect(code).toBe(0);
      const report = JSON.parse(stdout) as ValidateReport;
      expect(report).toMatchObject({ valid: true, lab: { name, track: name } });
      expect(report.lab.hosts.length).toBe(name === 'classic' ? 4 : 8);
    }
  });

  it('rejects a bad file with exit 2 and file:line:column, as text and as JSON', () => {
    const file = join(home, 'bad.yaml');
    writeFileSync(file, readFileSync('lab/classic.yaml', 'utf8').replace('name: node-1', 'name: "node-1; rm -rf /"'));
    const text = runKthw(['lab', 'validate', file]);
    expect(text.code).toBe(2);
    expect(text.stderr).toMatch(new RegExp(`${file}:\\d+:\\d+`));
    expect(text.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const json = runKthw(['lab', 'validate', file, '--json']);
    expect(json.code).toBe(2);
    expect((JSON.parse(json.stdout) as ErrorReport).error).toMatchObject({ exitCode: 2, where: expect.stringContaining(file) as unknown });
  });

  it('a missing file is a clear usage error', () => {
    const { code, stderr } = runKthw(['lab', 'validate', join(home, 'nope.yaml')]);
    expect(code).toBe(2);
    expect(stderr).toContain('nope.yaml');
  });
});

describe('kthw lab import', () => {
  it("turns upstream's machines.txt into a lab file that validates", () => {
    const machines = join(home, 'machines.txt');
    writeFileSync(
      machines,
      '10.240.1.11 server.kubernetes.local server\n10.240.1.20 node-0.kubernetes.local node-0 10.200.0.0/24\n10.240.1.21 node-1.kubernetes.local node-1 10.200.1.0/24\n',
    );
    const out = join(home, 'imported.yaml');
    expect(runKthw(['lab', 'import', machines, '-o', out]).code).toBe(0);
    const valid = runKthw(['lab', 'validate', out, '--json']);
    expect(valid.code).toBe(0);
    expect((JSON.parse(valid.stdout) as ValidateReport).lab.hosts.map((h) => h.name)).toEqual(
      expect.arrayContaining(['jumpbox', 'server', 'node-0', 'node-1']),
    );
    // never overwrites
    expect(runKthw(['lab', 'import', machines, '-o', out]).code).toBe(2);
  });
});

describe('kthw chapters / status', () => {
  it('chapters --json lists the chapters of the lab track with progress', () => {
    const { code, stdout } = runKthw(['chapters', '--json'], { env });
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as ChaptersReport;
    expect(report.lab).toBe('classic');
    expect(report.chapters[0]).toMatchObject({ id: 'chapter-1', status: 'not-started', stepsDone: 0 });
    for (const chapter of report.chapters)
      expect(Object.keys(chapter).sort()).toEqual(['id', 'nextStep', 'number', 'slug', 'status', 'stepsDone', 'stepsTotal', 'title']);
  });

  it('status --json has the documented shape and, only reading, makes no lab directory', () => {
    const { code, stdout } = runKthw(['status', '--json', '--lab', 'lab/ipv6-ha.yaml'], { env });
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as StatusReport;
    expect(report.lab).toMatchObject({ name: 'ipv6-ha', track: 'ipv6-ha', stateFile: join(home, 'ipv6-ha', 'state.json') });
    expect(report.hosts).toHaveLength(8);
    expect(report.chapters[0]).toMatchObject({ id: 'chapter-1', status: 'not-started', lastChecks: null });
    expect(existsSync(join(home, 'ipv6-ha'))).toBe(false);
  });

  it('a corrupt state file is reported by name (exit 2) and left untouched', () => {
    const state = join(home, 'corrupt');
    const lab = join(home, 'corrupt.yaml');
    writeFileSync(lab, readFileSync('lab/classic.yaml', 'utf8').replace('name: classic', 'name: corrupt'));
    mkdirSync(state, { recursive: true, mode: 0o700 });
    writeFileSync(join(state, 'state.json'), '{"version": 2, "lab": ');
    const { code, stderr } = runKthw(['status', '--lab', lab], { env });
    expect(code).toBe(2);
    expect(stderr).toContain(join(state, 'state.json'));
    expect(readFileSync(join(state, 'state.json'), 'utf8')).toBe('{"version": 2, "lab": ');
  });
});

describe('usage errors of run / verify / learn', () => {
  it('an unknown chapter is exit 2 with the list of chapters', () => {
    const { code, stderr } = runKthw(['verify', 'chapter-99'], { env });
    expect(code).toBe(2);
    expect(stderr).toContain('no chapter "chapter-99"');
    expect(stderr).toContain('chapter-1');
  });

  it('learn without a terminal exits 2 and points at run / verify', () => {
    const { code, stderr } = runKthw(['learn'], { env });
    expect(code).toBe(2);
    expect(stderr).toContain('kthw run chapter-N');
  });

  it('verify against machines that are not there is exit 3 with the connection fix, not a list of failed checks', () => {
    // The classic lab file with no lab up: no host answers on its addresses (nothing is routed there).
    const { code, stdout } = runKthw(['verify', 'chapter-1', '--json'], { env });
    expect(code).toBe(3);
    const { error } = JSON.parse(stdout) as ErrorReport;
    expect(error.message).toMatch(/^no host of lab classic could be reached/);
    expect(error.fix).toBeTruthy();
  });
});
