import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { loadChapterFile } from '../plan/chapter.js';
import { LessonView } from './components/LessonView.js';
import { loadMarkdownRenderer } from './markdown.js';
import { columnWidths, layoutTable, wrapCell } from './table-layout.js';
import { ThemeContext } from './theme.js';

const lesson04 = loadChapterFile('04-certificate-authority', 'lesson.md');
const lesson07 = loadChapterFile('07-etcd', 'lesson.md');

/** The lesson as LessonView draws it in a terminal `columns` wide (ink-testing-library's frame). */
async function frameOf(markdown: string, columns: number, height = 400): Promise<string[]> {
  await loadMarkdownRenderer();
  const tree = (
    <ThemeContext.Provider value={{ color: false }}>
      <LessonView markdown={markdown} width={columns} height={height} scroll={0} />
    </ThemeContext.Provider>
  );
  const view = render(tree);
  // ink-testing-library's terminal is 100 columns: make it as wide as the one under test.
  Object.defineProperty(view.stdout, 'columns', { value: columns, configurable: true });
  (view.stdout as unknown as { emit(event: string): void }).emit('resize');
  view.rerender(tree);
  for (let i = 0; i < 50 && (view.lastFrame() ?? '').includes('Loading the lesson'); i++) await new Promise((r) => setTimeout(r, 20));
  const lines = (view.lastFrame() ?? '').split('\n');
  view.unmount();
  return lines;
}

describe('lesson tables fit the terminal', () => {
  for (const columns of [80, 120]) {
    it(`chapter 04's subject table at ${columns} columns: every row within the width, one box, every cell's words kept`, async () => {
      const lines = await frameOf(lesson04, columns);
      for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(columns);
      const top = lines.findIndex((l) => l.startsWith('┌'));
      const bottom = lines.findIndex((l, i) => i > top && l.startsWith('└'));
      expect(top).toBeGreaterThan(0);
      expect(bottom).toBeGreaterThan(top);
      const table = lines.slice(top, bottom + 1);
      // A table row is a box row: it starts and ends with the box's sides, all rows equally wide.
      for (const row of table) {
        expect(row).toMatch(/^[┌├│└].*[┐┤│┘]\s*$/);
        expect(row.trimEnd().length).toBe(table[0]!.trimEnd().length);
      }
      const text = table
        .join(' ')
        .replace(/[│┌┐└┘├┤┬┴┼─]/g, ' ')
        .replace(/\s+/g, ' ');
      for (const word of ['certificate', 'CN (user)', 'system:masters', 'kube-controller-manager', 'recognises', 'service-accounts']) {
        expect(text.replace(/- /g, '-'), word).toContain(word);
      }
      expect(text).not.toContain('COLON');
    });
  }

  it('columns keep their natural width when the table fits; the widest gives way first otherwise', () => {
    expect(
      columnWidths(
        [
          ['a', 'bb'],
          ['ccc', 'd'],
        ],
        80,
      ),
    ).toEqual([3, 2]);
    const widths = columnWidths([['short', 'a much longer cell with many words in it to wrap']], 30);
    expect(widths[0]).toBe(5);
    expect(3 * 2 + 1 + widths[0]! + widths[1]!).toBeLessThanOrEqual(30);
  });

  it('a cell wraps at spaces, and a word too long for its column breaks after - or :', () => {
    expect(wrapCell('one two three', 7)).toEqual(['one two', 'three']);
    expect(wrapCell('system:kube-controller-manager', 20)).toEqual(['system:kube-', 'controller-manager']);
    expect(layoutTable(['a'], [['b']], 10)).toEqual(['┌───┐', '│ a │', '├───┤', '│ b │', '└───┘']);
  });
});

describe('inline code at 80 columns', () => {
  it('does not leave a word on a line of its own: a list item flows as one paragraph', async () => {
    const lines = (await frameOf(lesson07, 80)).map((l) => l.trimEnd());
    const at = lines.findIndex((l) => l.includes('(--peer-client-cert-auth);'));
    expect(at).toBeGreaterThan(0);
    expect(lines[at]!.trim()).not.toBe('(--peer-client-cert-auth);');
    // No line anywhere in the lesson's lists is a lone word that the line before had room for.
    for (const [i, line] of lines.entries()) {
      const previous = lines[i - 1] ?? '';
      if (/^ {4}\S+$/.test(line) && /^ {2}\* |^ {4}\S/.test(previous))
        expect(previous.length + 1 + line.trim().length, `${previous}\n${line}`).toBeGreaterThan(79);
    }
  });
});
