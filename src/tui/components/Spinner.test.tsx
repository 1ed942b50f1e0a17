import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { Spinner, formatElapsed } from './Spinner.js';

describe('Spinner', () => {
  it('shows the frame for the time given', () => {
    expect(render(<Spinner now={0} />).lastFrame()).toBe('⠋');
    expect(render(<Spinner now={250} />).lastFrame()).toBe('⠹');
  });

  it('formats elapsed time in seconds, then minutes', () => {
    expect(formatElapsed(1234)).toBe('1.2s');
    expect(formatElapsed(125_000)).toBe('2m05s');
  });
});
