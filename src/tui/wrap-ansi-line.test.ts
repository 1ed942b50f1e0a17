import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { wrapAnsiLine } from './wrap-ansi-line.js';

const strip = (s: string) => stripVTControlCharacters(s);

describe('wrapAnsiLine', () => {
  it('leaves a line that fits alone', () => {
    expect(wrapAnsiLine('  short', 20)).toEqual(['  short']);
  });

  it('wraps a list item under its text, counting only visible characters', () => {
    const line = '  * \u001b[1mIs it Debian?\u001b[22m The commands use apt, dpkg and Debian paths.';
    const rows = wrapAnsiLine(line, 30);
    expect(rows.map(strip)).toEqual(['  * Is it Debian? The commands', '    use apt, dpkg and Debian', '    paths.']);
    expect(rows.every((r) => strip(r).length <= 30)).toBe(true);
    expect(rows.join(' ')).toContain('\u001b[1mIs');
  });

  it('keeps a long command whole across rows, cutting a word wider than a row', () => {
    const rows = wrapAnsiLine(`    curl -fsSL https://example/${'x'.repeat(40)} -o /tmp/file`, 30);
    expect(rows.every((r) => r.length <= 30)).toBe(true);
    expect(rows.join('').replace(/\s+/g, '')).toBe(`curl-fsSLhttps://example/${'x'.repeat(40)}-o/tmp/file`);
    expect(rows.slice(1).every((r) => r.startsWith('    '))).toBe(true);
  });
});
