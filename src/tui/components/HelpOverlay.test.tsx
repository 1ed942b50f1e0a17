import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { KEY_HELP } from '../keymap.js';
import { HelpOverlay } from './HelpOverlay.js';

describe('HelpOverlay', () => {
  it('lists every key and fits 80×24', () => {
    const frame = render(<HelpOverlay width={80} />).lastFrame()!;
    for (const [key] of KEY_HELP) expect(frame).toContain(key);
    expect(frame).toMatch(/Ctrl-C +cancel the running step; again: quit/);
    expect(frame.split('\n').length).toBeLessThanOrEqual(21);
    expect(frame.split('\n').every((l) => l.length <= 80)).toBe(true);
  });
});
