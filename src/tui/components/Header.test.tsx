import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { Header } from './Header.js';

describe('Header', () => {
  it('names the lab and where the learner is', () => {
    expect(
      render(<Header labName="classic" place="04 Certificates · lesson" />)
        .lastFrame()
        ?.trimEnd(),
    ).toBe(' kthw learn  lab classic · 04 Certificates · lesson');
  });
});
