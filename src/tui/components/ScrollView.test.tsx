import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { ScrollView } from './ScrollView.js';

const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);

describe('ScrollView', () => {
  it('shows a window of the lines and where it is, and reports how far it can scroll', () => {
    const reported: number[] = [];
    const frame = render(<ScrollView lines={lines} height={10} scroll={5} onScrollMax={(m) => reported.push(m)} />).lastFrame()!;
    const rows = frame.split('\n');
    expect(rows).toHaveLength(10);
    expect(rows[0]).toBe('line 6');
    expect(rows[8]).toBe('line 14');
    expect(rows[9]).toContain('lines 6–14 of 30');
    expect(reported).toEqual([21]);
  });

  it('stops at the end and says so', () => {
    const frame = render(<ScrollView lines={lines} height={10} scroll={999} />).lastFrame()!;
    expect(frame).toContain('line 30');
    expect(frame).toContain('lines 22–30 of 30 · end');
  });

  it('shows short content whole, without an indicator, and cuts long lines instead of wrapping', () => {
    const frame = render(<ScrollView lines={['short', 'x'.repeat(300)]} height={10} scroll={0} />).lastFrame()!;
    const rows = frame.split('\n');
    expect(rows[0]).toBe('short');
    expect(rows[1]).toMatch(/^x+…$/);
    expect(rows[1]!.length).toBeLessThanOrEqual(100);
    expect(rows.slice(2).every((r) => r.trim() === '')).toBe(true);
    expect(frame).not.toContain('lines ');
  });
});
