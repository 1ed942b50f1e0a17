import { afterEach, describe, expect, it } from 'vitest';
import { paint, setColor, useColor } from '../../../src/cli/output.js';

// no-color.org: "when present and not an empty string" NO_COLOR turns colour off.
describe('NO_COLOR', () => {
  const tty = process.stdout.isTTY;
  const saved = process.env.NO_COLOR;
  afterEach(() => {
    process.stdout.isTTY = tty;
    if (saved === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = saved;
  });

  const colourWith = (value: string | undefined) => {
    process.stdout.isTTY = true;
    if (value === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = value;
    setColor(true);
    return useColor();
  };

  it('set to an empty string leaves colour on; unset too', () => {
    expect(colourWith('')).toBe(true);
    expect(paint.red('x')).toBe('\u001b[31mx\u001b[39m');
    expect(colourWith(undefined)).toBe(true);
  });

  it('set to anything else turns colour off, as does --no-color', () => {
    expect(colourWith('1')).toBe(false);
    expect(paint.red('x')).toBe('x');
    expect(colourWith('0')).toBe(false);
    process.stdout.isTTY = true;
    delete process.env.NO_COLOR;
    setColor(false);
    expect(useColor()).toBe(false);
  });
});
