import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalSession } from '../../../test/fixtures/local-session.js';
import { keys, renderTutor } from '../../../test/fixtures/tui-render.js';

let dir: string;
let views: Array<{ unmount(): void }>;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kthw-tui-status-'));
  views = [];
});
afterEach(async () => {
  views.forEach((v) => v.unmount());
  await rm(dir, { recursive: true, force: true });
});

describe('the status line', () => {
  it("speaks of the chapter on screen: another chapter's news is gone once that chapter is left", async () => {
    // Chapter 1 done, then its checks fail: the tutor opens with news about it.
    const session = await createLocalSession(dir);
    await session.run('chapter-1');
    await chmod(join(dir, 'work', 'note.txt'), 0o644);
    await session.verify('chapter-1');
    const tutor = await renderTutor(await createLocalSession(dir));
    views.push(tutor);
    await tutor.waitFor('A workspace: its checks failed last time');
    // Chapter 1's own lesson still shows it.
    await tutor.press(keys.enter);
    await tutor.waitFor((f) => f.includes('A workspace · lesson'));
    expect(tutor.frame()).toContain('its checks failed last time');
    // Back to the list, on to chapter 2: its lesson says nothing of chapter 1.
    await tutor.press(keys.escape);
    await tutor.waitFor('A slow count');
    await tutor.press(keys.down, keys.enter);
    const frame = await tutor.waitFor((f) => f.includes('A slow count · lesson'));
    expect(frame).not.toContain('its checks failed last time');
    expect(frame).not.toContain('A workspace');
  });
});
