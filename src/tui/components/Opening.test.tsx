import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { Opening } from './Opening.js';

describe('Opening', () => {
  it('says the lab is opening, at the size given, and leaves on q', async () => {
    let quits = 0;
    const view = render(<Opening columns={80} rows={10} onQuit={() => quits++} />);
    const rows = view.lastFrame()!.split('\n');
    expect(rows[0]).toContain('kthw learn');
    expect(rows[1]).toBe('Opening the lab…');
    expect(rows).toHaveLength(9);
    expect(rows[8]).toBe('q quit');
    view.stdin.write('q');
    await new Promise((r) => setTimeout(r, 20));
    expect(quits).toBe(1);
  });
});
