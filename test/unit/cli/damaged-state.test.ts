/**
 * Damaged state files (test/fixtures/states/ and a few made here), met by the real CLI: each is a
 * corrupt state (exit 2) named by its path, in a bounded message that quotes nothing it should not,
 * and the file is left as it was.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { runKthw } from '../../support/run-kthw.js';

const classic = fileURLToPath(new URL('../../../lab/classic.yaml', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/states/${name}`, import.meta.url));
const home = mkdtempSync(join(tmpdir(), 'kthw-damaged-'));
const labDir = join(home, 'classic');
const stateFile = join(labDir, 'state.json');
const env = { KTHW_HOME: home };
afterAll(() => rmSync(home, { recursive: true, force: true }));
beforeEach(() => {
  rmSync(labDir, { recursive: true, force: true });
  mkdirSync(labDir, { recursive: true, mode: 0o700 });
});

function status(args: string[] = ['status']) {
  return runKthw(['--lab', classic, ...args], { env, cwd: home });
}

describe('a damaged state file', () => {
  it('a directory at state.json is a corrupt state: exit 2, named', () => {
    mkdirSync(stateFile);
    const { code, stderr } = status();
    expect(code).toBe(2);
    expect(stderr).toContain(`the state file ${stateFile} is a directory, not a regular file`);
  });

  it("another lab's state file is refused on reading too", () => {
    copyFileSync(fixture('other-lab.json'), stateFile);
    const { code, stderr } = status();
    expect(code).toBe(2);
    expect(stderr).toContain(`the state file ${stateFile} belongs to lab "ipv6-ha", not "classic"`);
    expect(readFileSync(stateFile, 'utf8')).toBe(readFileSync(fixture('other-lab.json'), 'utf8'));
  });

  it('a recorded parameter that no longer validates names the state file', () => {
    copyFileSync(fixture('relative-mirror.json'), stateFile);
    const { code, stderr } = status();
    expect(code).toBe(2);
    expect(stderr).toContain(`a parameter the state file ${stateFile} recorded for chapter-2 is no longer valid`);
    expect(stderr).toContain('chapters.chapter-2.params.mirror');
  });

  it('a 5 MB recorded value is not echoed whole', () => {
    const state = JSON.parse(readFileSync(fixture('relative-mirror.json'), 'utf8')) as { chapters: Record<string, { params: Record<string, unknown> }> };
    state.chapters['chapter-2']!.params.mirror = `relative/${'x'.repeat(5_000_000)}`;
    writeFileSync(stateFile, JSON.stringify(state));
    const { code, stderr } = status();
    expect(code).toBe(2);
    expect(stderr.length).toBeLessThan(2_000);
  });

  it('a __proto__ key is refused, not dropped on the next write', () => {
    copyFileSync(fixture('proto-key.json'), stateFile);
    const { code, stderr } = status();
    expect(code).toBe(2);
    expect(stderr).toContain('holds the key "__proto__" (at chapters.chapter-4.params.__proto__)');
    expect(readFileSync(stateFile, 'utf8')).toBe(readFileSync(fixture('proto-key.json'), 'utf8'));
  });

  it("a state file symlinked elsewhere is refused without quoting the target's content", () => {
    const secret = join(home, 'elsewhere.txt');
    writeFileSync(secret, 'SECRET-CONTENT-1234 not json');
    symlinkSync(secret, stateFile);
    const { code, stderr } = status();
    expect(code).toBe(2);
    expect(stderr).toContain(`the state file ${stateFile} is a symbolic link, not a regular file`);
    expect(stderr).not.toContain('SECRET');
  });

  it('invalid JSON is reported without quoting the text', () => {
    writeFileSync(stateFile, '{"version": 2,\n  "lab": SECRET-CONTENT}');
    const { code, stderr } = status();
    expect(code).toBe(2);
    expect(stderr).toContain(`the state file ${stateFile} is not valid JSON`);
    expect(stderr).not.toContain('SECRET');
  });
});

describe('kthw run validates every argument before recording anything', () => {
  it('--mirror D --step nope records no mirror', () => {
    const mirror = mkdtempSync(join(home, 'mirror-'));
    const { code, stderr } = status(['run', 'chapter-2', '--mirror', mirror, '--step', 'nope']);
    expect(code).toBe(2);
    expect(stderr).toContain('chapter-2 has no step "nope"');
    expect(existsSync(stateFile)).toBe(false);
  });

  it('--from nope is refused too (it used to run nothing and pass)', () => {
    const { code, stderr } = status(['run', 'chapter-2', '--from', 'nope']);
    expect(code).toBe(2);
    expect(stderr).toContain('chapter-2 has no step "nope"');
  });
});
