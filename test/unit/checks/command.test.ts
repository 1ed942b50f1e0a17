import { describe, expect, it } from 'vitest';
import { runOne } from './helpers.js';

describe('command check running real shell commands', () => {
  it('passes on exit code 0 by default', async () => {
    const result = await runOne('command', { run: 'printf "etcd 3.4\\n"' });
    expect(result.ok).toBe(true);
    expect(result.observed).toBe('exit 0: etcd 3.4');
  });

  it('fails on a non-zero exit code and shows what the command printed', async () => {
    const result = await runOne('command', { run: 'echo starting; echo "no such host" >&2; exit 3' });
    expect(result.ok).toBe(false);
    expect(result.diagnosis?.found).toBe('exit code 3, expected 0; stdout:\n  starting; stderr:\n  no such host');
  });

  it('checks an expected exit code and stdout pattern', async () => {
    expect((await runOne('command', { run: 'echo Ready; exit 4', exitCode: 4, stdout: '^Ready$' })).ok).toBe(true);
    const result = await runOne('command', { run: 'echo NotReady', stdout: '^Ready$' });
    expect(result.diagnosis?.found).toBe('output does not match /^Ready$/; stdout:\n  NotReady');
  });

  it('fails on a non-zero exit even when the output matches', async () => {
    const result = await runOne('command', { run: 'echo Ready; exit 1', stdout: '^Ready$' });
    expect(result.diagnosis?.found).toBe('exit code 1, expected 0; stdout:\n  Ready');
  });

  it('fails when stdout matches a forbidden pattern', async () => {
    const result = await runOne('command', { run: 'echo "node-1 NotReady"', stdoutNot: 'NotReady' });
    expect(result.diagnosis?.found).toMatch(/^output matches \/NotReady\/, which it must not/);
  });

  it('keeps only the last lines of long output in the diagnosis', async () => {
    const result = await runOne('command', { run: 'seq 1 100; exit 1' });
    expect(result.diagnosis?.found).toBe(`exit code 1, expected 0; stdout:\n  …\n  ${Array.from({ length: 8 }, (_, i) => 93 + i).join('\n  ')}`);
  });

  it('runs bash when asked (arrays are not POSIX sh)', async () => {
    expect((await runOne('command', { run: 'a=(x y); echo ${#a[@]}', shell: 'bash', stdout: '^2$' })).ok).toBe(true);
    expect((await runOne('command', { run: 'a=(x y); echo ${#a[@]}', stdout: '^2$' })).ok).toBe(false);
  });

  it('rejects malformed params', async () => {
    await expect(runOne('command', { run: 'true', stdout: '(' })).rejects.toThrow(/param "stdout" must be a valid regular expression/);
    await expect(runOne('command', { run: 'true', shell: 'zsh' })).rejects.toThrow(/param "shell" must be one of sh, bash/);
    await expect(runOne('command', { run: 'true', exitCode: 256 })).rejects.toThrow(/param "exitCode"/);
  });
});
