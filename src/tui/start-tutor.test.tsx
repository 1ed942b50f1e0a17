import '../../test/fixtures/force-color.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeTty } from '../../test/fixtures/fake-tty.js';
import { createLocalSession } from '../../test/fixtures/local-session.js';
import { UsageError } from '../util/errors.js';
import { startTutor } from './index.js';

// startTutor itself, in-process on an in-memory terminal: the alternate screen and raw mode taken
// and given back, colour on, and off for --no-color and for NO_COLOR.
// eslint-disable-next-line no-control-regex -- the test looks for the terminal's colour escape itself
const foreground = /\u001b\[(3[0-7]|9[0-7]|38;)/;
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kthw-start-'));
  delete process.env.NO_COLOR;
});
afterEach(async () => {
  delete process.env.NO_COLOR;
  await rm(dir, { recursive: true, force: true });
});

async function session(noColor: boolean) {
  const tty = fakeTty();
  const done = startTutor(await createLocalSession(dir), { stdin: tty.stdin, stdout: tty.stdout, noColor });
  await tty.waitFor('A workspace');
  return { tty, done };
}

describe('startTutor', () => {
  it('takes the alternate screen and raw mode, draws in colour, and gives the terminal back on q', async () => {
    const { tty, done } = await session(false);
    expect(tty.output().startsWith('\u001b[?1049h\u001b[?25l')).toBe(true);
    expect(tty.stdin.isRaw).toBe(true);
    expect(tty.output()).toMatch(foreground);
    tty.stdin.write('q');
    expect(await done).toBe(0);
    expect(tty.output().endsWith('\u001b[?25h\u001b[?1049l')).toBe(true);
    expect(tty.stdin.isRaw).toBe(false);
  });

  it('draws without colour for --no-color', async () => {
    const { tty, done } = await session(true);
    tty.stdin.write('\r');
    await tty.waitFor('A workspace · lesson');
    await tty.waitFor('mkdir -p');
    tty.stdin.write('q');
    await done;
    expect(tty.output()).not.toMatch(foreground);
  });

  it('draws without colour when NO_COLOR is set', async () => {
    process.env.NO_COLOR = '1';
    const { tty, done } = await session(false);
    tty.stdin.write('q');
    await done;
    expect(tty.output()).not.toMatch(foreground);
  });

  it('a session that fails to open: the terminal is given back and the error thrown', async () => {
    const tty = fakeTty();
    const failing = Promise.reject(new UsageError('lab file x.yaml: no hosts', { where: 'x.yaml:1:1' }));
    await expect(startTutor(failing, { stdin: tty.stdin, stdout: tty.stdout, noColor: false })).rejects.toThrow('lab file x.yaml: no hosts');
    expect(tty.output()).toContain('Opening the lab');
    expect(tty.output().endsWith('\u001b[?25h\u001b[?1049l')).toBe(true);
  });
});
