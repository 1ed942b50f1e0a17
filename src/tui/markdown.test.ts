import { describe, expect, it } from 'vitest';
import { loadMarkdownRenderer, stripAnsi } from './markdown.js';

describe('markdown', () => {
  it('renders to lines within the width, without escape codes when colour is off', async () => {
    const render = await loadMarkdownRenderer();
    const lines = render(`# Title\n\n${'word '.repeat(60)}\n\n\`\`\`sh\necho hi\n\`\`\`\n`, 40, false);
    expect(lines.join('\n')).not.toContain('\u001b');
    expect(lines.join('\n')).toContain('echo hi');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(40);
  });

  it('strips colour and hyperlink sequences', () => {
    expect(stripAnsi('\u001b[32mok\u001b[39m \u001b]8;;http://x\u0007link\u001b]8;;\u0007')).toBe('ok link');
  });
});
