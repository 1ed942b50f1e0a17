import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { ChapterProgress } from '../../engine/session.js';
import { fixtureChapters } from '../../../test/fixtures/local-session.js';
import { ChapterList } from './ChapterList.js';

const progress: ChapterProgress[] = [
  { meta: fixtureChapters[0]!, status: 'done', stepsDone: 3, stepsTotal: 3, lastChecks: { at: '2025-01-01T00:00:00Z', passed: 2, failed: 0 } },
  { meta: fixtureChapters[1]!, status: 'in-progress', stepsDone: 1, stepsTotal: 2, nextStep: 'mark-counted' },
  { meta: fixtureChapters[2]!, status: 'checks-failed', stepsDone: 2, stepsTotal: 2, lastChecks: { at: '2025-01-01T00:00:00Z', passed: 1, failed: 2 } },
];

describe('ChapterList', () => {
  it('shows every chapter with its status, steps and last checks, the cursor on the selected one', () => {
    const frame = render(<ChapterList chapters={progress} cursor={1} width={80} height={10} />).lastFrame()!;
    const lines = frame.split('\n');
    expect(lines[0]).toMatch(/^ {2}✓ 01 {2}A workspace .* 3\/3 done · checks 2✓ 0✗$/);
    expect(lines[1]).toMatch(/^› ● 02 {2}A slow count .* 1\/2 in progress$/);
    expect(lines[2]).toMatch(/^ {2}✗ 03 {2}A step that fails .* 2\/2 checks failed · checks 1✓ 2✗$/);
    expect(frame).toContain('Counts slowly, so a run can be watched and cancelled.');
    expect(lines.every((l) => l.length <= 80)).toBe(true);
  });

  it('keeps the cursor in view when the list is taller than the screen', () => {
    const many = Array.from({ length: 12 }, (_, i): ChapterProgress => ({
      meta: { ...fixtureChapters[0]!, id: `chapter-${i + 1}`, number: i + 1, title: `Chapter ${i + 1}` },
      status: 'not-started',
      stepsDone: 0,
      stepsTotal: 1,
    }));
    const frame = render(<ChapterList chapters={many} cursor={11} width={80} height={6} />).lastFrame()!;
    expect(frame).toMatch(/› · 12 {2}Chapter 12/);
    expect(frame).not.toContain('Chapter 1 ');
    expect(frame.split('\n').length).toBeLessThanOrEqual(6);
  });
});
