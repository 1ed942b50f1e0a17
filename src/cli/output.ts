/**
 * Human output helpers. Colour only when stdout is a TTY and neither NO_COLOR nor --no-color says
 * otherwise; `--json` output never goes through here.
 */
import { stripVTControlCharacters } from 'node:util';

// no-color.org: NO_COLOR disables colour when it is set and not empty; NO_COLOR= leaves it on.
const colorAllowed = () => Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
let colorEnabled = colorAllowed();

/** --no-color turns colour off; nothing turns it on where the terminal or NO_COLOR says no. */
export function setColor(enabled: boolean): void {
  colorEnabled = enabled && colorAllowed();
}

export function useColor(): boolean {
  return colorEnabled;
}

const wrap = (open: number, close: number) => (text: string) => (colorEnabled ? `\u001b[${open}m${text}\u001b[${close}m` : text);

export const paint = {
  green: wrap(32, 39),
  red: wrap(31, 39),
  yellow: wrap(33, 39),
  dim: wrap(2, 22),
  bold: wrap(1, 22),
};

export const mark = {
  ok: () => paint.green('✓'),
  fail: () => paint.red('✗'),
  warn: () => paint.yellow('!'),
};

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Left-aligned columns for small tables. */
export function table(rows: string[][]): string {
  const visible = (s: string) => stripVTControlCharacters(s).length;
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visible(cell))));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i]! - visible(cell)))).join('  ')).join('\n');
}
