import { Box } from 'ink';
import type { ChapterProgress, ChapterStatus } from '../../engine/session.js';
import { wrapText } from '../wrap-text.js';
import { LineView, type Line, type Span } from './line.js';

const STATUS: Record<ChapterStatus, { mark: string; label: string; color: string }> = {
  'not-started': { mark: '·', label: 'not started', color: 'gray' },
  'in-progress': { mark: '●', label: 'in progress', color: 'yellow' },
  done: { mark: '✓', label: 'done', color: 'green' },
  failed: { mark: '✗', label: 'a step failed', color: 'red' },
  'checks-failed': { mark: '✗', label: 'checks failed', color: 'red' },
};

export function chapterRow(chapter: ChapterProgress, selected: boolean, width: number): Span[] {
  const status = STATUS[chapter.status];
  const number = String(chapter.meta.number).padStart(2, '0');
  const steps = `${chapter.stepsDone}/${chapter.stepsTotal}`;
  const checks = chapter.lastChecks ? ` · checks ${chapter.lastChecks.passed}✓ ${chapter.lastChecks.failed}✗` : '';
  const right = ` ${steps} ${status.label}${checks}`;
  const titleWidth = Math.max(10, width - 8 - right.length);
  const title = chapter.meta.title.length > titleWidth ? `${chapter.meta.title.slice(0, titleWidth - 1)}…` : chapter.meta.title.padEnd(titleWidth);
  return [
    { text: selected ? '› ' : '  ', bold: true },
    { text: `${status.mark} `, color: status.color },
    { text: `${number}  ${title}`, bold: selected, inverse: selected },
    { text: right, color: status.color, dim: chapter.status === 'not-started' },
  ];
}

export interface ChapterListProps {
  chapters: ChapterProgress[];
  cursor: number;
  width: number;
  height: number;
}

/** Every chapter of this lab's track with its progress; the selected one's summary below. */
export function ChapterList({ chapters, cursor, width, height }: ChapterListProps) {
  const selected = chapters[cursor];
  const summary: Line[] = selected ? ['', ...wrapText(selected.meta.summary, width - 2).map((l) => `  ${l}`)] : [];
  const listRows = Math.max(3, height - Math.min(summary.length, 5));
  const first = Math.min(Math.max(0, cursor - listRows + 1), Math.max(0, chapters.length - listRows));
  const rows = chapters.slice(first, first + listRows).map((c, i) => chapterRow(c, first + i === cursor, width));
  const lines: Line[] = [...rows, ...summary].slice(0, height);
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      {lines.map((line, i) => (
        <LineView key={i} line={line} />
      ))}
    </Box>
  );
}
