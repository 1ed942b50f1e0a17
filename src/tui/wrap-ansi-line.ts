/**
 * Wraps one rendered line (it may carry colour codes) to `width` visible columns at spaces; the
 * continuation rows keep the line's indentation, plus two for a list item, so a command or a bullet
 * is never cut off at the screen's edge. A word wider than a row is cut (losing its colour).
 */
import { stripVTControlCharacters } from 'node:util';

const visible = (text: string) => stripVTControlCharacters(text).length;

export function wrapAnsiLine(line: string, width: number): string[] {
  if (visible(line) <= width) return [line];
  const plain = stripVTControlCharacters(line);
  const lead = /^\s*/.exec(plain)![0];
  const indent = lead + (/^\s*([*+-]|\d+\.)\s/.test(plain) ? '  ' : '');
  const room = Math.max(10, width - indent.length);
  const words = line.trimStart().split(' ');
  const rows: string[] = [];
  let row = lead;
  let rowWidth = lead.length;
  const limit = () => (rows.length === 0 ? width : indent.length + room);
  for (const word of words) {
    const w = visible(word);
    if (rowWidth > (rows.length === 0 ? lead.length : indent.length) && rowWidth + 1 + w > limit()) {
      rows.push(row);
      row = indent;
      rowWidth = indent.length;
    }
    if (w > room) {
      const bare = stripVTControlCharacters(word);
      for (let i = 0; i < bare.length; i += room) {
        if (rowWidth > indent.length) {
          rows.push(row);
          row = indent;
          rowWidth = indent.length;
        }
        row += bare.slice(i, i + room);
        rowWidth += Math.min(room, bare.length - i);
      }
      continue;
    }
    const separator = rowWidth > (rows.length === 0 ? lead.length : indent.length) ? ' ' : '';
    row += separator + word;
    rowWidth += separator.length + w;
  }
  rows.push(row);
  return rows;
}
