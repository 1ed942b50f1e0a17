import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { RunState } from '../store.js';
import { RunPanel } from './RunPanel.js';

const base: RunState = {
  chapter: 'chapter-1',
  step: 'greet',
  status: 'running',
  cancelRequested: false,
  startedAt: Date.now(),
  output: ['▸ mkdir -p /w — changed', 'hello', 'from'],
  partial: 'kth',
  actions: [{ description: 'mkdir -p /w', changed: true }],
};

describe('RunPanel', () => {
  it('while running: spinner, elapsed time, the way to cancel, and the output so far including a partial line', () => {
    const frame = render(<RunPanel run={base} width={80} height={12} scroll={0} />).lastFrame()!;
    expect(frame.split('\n')[0]).toMatch(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] running · \d+\.\ds · 1 action, 1 changed · Ctrl-C cancels$/);
    expect(frame).toContain('▸ mkdir -p /w — changed');
    expect(frame).toMatch(/hello\nfrom\nkth/);
  });

  it('follows the newest output while running', () => {
    const output = Array.from({ length: 50 }, (_, i) => `count ${i + 1}`);
    const frame = render(<RunPanel run={{ ...base, output, partial: '' }} width={80} height={12} scroll={0} />).lastFrame()!;
    expect(frame).toContain('count 50');
    expect(frame).not.toContain('count 1\n');
  });

  it('after a failure: the message and the fix, then the output', () => {
    const failed: RunState = {
      ...base,
      status: 'failed',
      endedAt: base.startedAt + 2500,
      message: '`exit 3` exited 3:\nsomething is wrong',
      fix: 'fix the cause above',
    };
    const frame = render(<RunPanel run={failed} width={80} height={14} scroll={0} />).lastFrame()!;
    expect(frame.split('\n')[0]).toBe('✗ failed · 2.5s · 1 action, 1 changed · r: run again');
    expect(frame).toContain('something is wrong');
    expect(frame).toContain('fix: fix the cause above');
  });

  it('done and cancelled say so', () => {
    expect(render(<RunPanel run={{ ...base, status: 'done', endedAt: base.startedAt }} width={80} height={8} scroll={0} />).lastFrame()).toContain(
      '✓ done · 0.0s',
    );
    expect(
      render(<RunPanel run={{ ...base, status: 'cancelled', endedAt: base.startedAt, message: 'cancelled' }} width={80} height={8} scroll={0} />).lastFrame(),
    ).toContain('■ cancelled');
  });
});
