import { describe, expect, it } from 'vitest';
import { highlight } from './plain-highlight.js';

describe('plain highlight', () => {
  it('colours each line on its own and leaves empty lines empty', () => {
    expect(highlight('echo a\n\necho b')).toBe('\u001b[33mecho a\u001b[39m\n\n\u001b[33mecho b\u001b[39m');
  });
});
