import { Box } from 'ink';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { LineView } from './line.js';

describe('LineView', () => {
  it('joins spans on one row and keeps an empty line one row tall', () => {
    expect(render(<LineView line={[{ text: '✓ ', color: 'green' }, { text: 'ok' }]} />).lastFrame()).toBe('✓ ok');
    const frame = render(
      <Box flexDirection="column">
        <LineView line="a" />
        <LineView line="" />
        <LineView line="b" />
      </Box>,
    ).lastFrame();
    expect(frame?.split('\n').map((l) => l.trimEnd())).toEqual(['a', '', 'b']);
  });
});
