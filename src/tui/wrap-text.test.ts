import { describe, expect, it } from 'vitest';
import { wrapText } from './wrap-text.js';

describe('wrapText', () => {
  it('wraps at word boundaries, cuts words longer than a line, keeps paragraphs', () => {
    expect(wrapText('aaa bbb ccc', 10)).toEqual(['aaa bbb', 'ccc']);
    expect(wrapText('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
    expect(wrapText('one\n\ntwo', 10)).toEqual(['one', '', 'two']);
  });
});
