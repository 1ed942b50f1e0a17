import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { Footer, HINTS } from './Footer.js';

describe('Footer', () => {
  it('shows the keys of the screen, or a notice instead', () => {
    expect(render(<Footer screen="step" />).lastFrame()).toBe(HINTS.step);
    expect(render(<Footer screen="step" notice={{ text: 'Cancelling…', tone: 'info' }} />).lastFrame()).toBe('Cancelling…');
  });

  it('keeps every hint line within 80 columns', () => {
    for (const hint of Object.values(HINTS)) expect(hint.length).toBeLessThanOrEqual(80);
  });
});
