/**
 * A Markdown table drawn to fit the terminal: columns keep their natural width when the table fits,
 * else the widest columns give way (down to their longest word first, then further) and each cell
 * wraps at spaces inside its column. Cells may carry colour codes; widths count visible columns.
 */
import { stripVTControlCharacters } from 'node:util';

const visible = (text: string) => stripVTControlCharacters(text).length;

/** One cell's text in rows of at most `width` visible columns: at spaces, a longer word is cut. */
export function wrapCell(text: string, width: number): string[] {
  const rows: string[] = [];
  let row = '';
  for (const word of text.split(' ').filter((w) => w !== '')) {
    const w = visible(word);
    if (row !== '' && visible(row) + 1 + w <= width) {
      row += ` ${word}`;
      continue;
    }
    if (row !== '') rows.push(row);
    row = word;
    if (w > width) {
      // Too long for the column: broken after a '-', ':' or '/' where there is one (losing its colour).
      let rest = stripVTControlCharacters(word);
      while (rest.length > width) {
        const at = Math.max(...['-', ':', '/'].map((c) => rest.lastIndexOf(c, width - 1)));
        const cut = at >= Math.floor(width / 3) ? at + 1 : width;
        rows.push(rest.slice(0, cut));
        rest = rest.slice(cut);
      }
      row = rest;
    }
  }
  rows.push(row);
  return rows;
}

/** Column widths whose table (borders included) is at most `width` wide when that is possible. */
export function columnWidths(cells: string[][], width: number): number[] {
  const columns = Math.max(...cells.map((r) => r.length));
  const natural = Array.from({ length: columns }, (_, i) => Math.max(1, ...cells.map((r) => visible(r[i] ?? ''))));
  const longestWord = Array.from({ length: columns }, (_, i) =>
    Math.max(
      1,
      ...cells.flatMap((r) =>
        stripVTControlCharacters(r[i] ?? '')
          .split(' ')
          .map((w) => w.length),
      ),
    ),
  );
  const room = width - (3 * columns + 1);
  const widths = [...natural];
  const total = () => widths.reduce((a, b) => a + b, 0);
  // First the columns that can wrap without cutting a word, widest first; then any column, down to 4.
  for (const floor of [(i: number) => Math.min(natural[i]!, longestWord[i]!), () => Math.min(4, ...natural)]) {
    while (total() > room) {
      let widest = -1;
      widths.forEach((w, i) => {
        if (w > floor(i) && (widest < 0 || w > widths[widest]!)) widest = i;
      });
      if (widest < 0) break;
      widths[widest]! -= 1;
    }
  }
  return widths;
}

export function layoutTable(head: string[], body: string[][], width: number, bold: (text: string) => string = (t) => t): string[] {
  const widths = columnWidths([head, ...body], width);
  const rule = (left: string, middle: string, right: string) => `${left}${widths.map((w) => '─'.repeat(w + 2)).join(middle)}${right}`;
  const rows = (cells: string[], style: (text: string) => string) => {
    const wrapped = widths.map((w, i) => wrapCell(cells[i] ?? '', w));
    const height = Math.max(...wrapped.map((c) => c.length));
    return Array.from(
      { length: height },
      (_, line) =>
        `│ ${wrapped
          .map((c, i) => {
            const text = c[line] ?? '';
            return (text ? style(text) : '') + ' '.repeat(widths[i]! - visible(text));
          })
          .join(' │ ')} │`,
    );
  };
  const lines = [rule('┌', '┬', '┐'), ...rows(head, bold), rule('├', '┼', '┤')];
  body.forEach((cells, i) => {
    if (i > 0) lines.push(rule('├', '┼', '┤'));
    lines.push(...rows(cells, (t) => t));
  });
  lines.push(rule('└', '┴', '┘'));
  return lines;
}
