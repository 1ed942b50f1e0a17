import { describe, expect, it } from 'vitest';
import { BoundedOutput } from '../../../src/ssh/bounded-output.js';

const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `line ${from + i}\n`).join('');

describe('BoundedOutput', () => {
  it('keeps everything under the limit, byte for byte', () => {
    const out = new BoundedOutput(1024);
    out.push(Buffer.from('héllo\n'));
    out.push(Buffer.from('wörld'));
    expect(out.toString()).toBe('héllo\nwörld');
    expect(out.omitted).toBe(0);
  });

  it('keeps the first and last lines of a flood and says how many bytes it left out', () => {
    const out = new BoundedOutput(4096);
    const text = lines(0, 100_000);
    for (let i = 0; i < text.length; i += 777) out.push(Buffer.from(text.slice(i, i + 777)));
    const kept = out.toString();
    expect(kept.startsWith('line 0\nline 1\n')).toBe(true);
    expect(kept.endsWith('line 99998\nline 99999\n')).toBe(true);
    const notice = /\[kthw: (\d+) bytes of output left out here\]\n/.exec(kept)!;
    expect(notice).not.toBeNull();
    // whole lines on both sides, and the count is exact
    expect(kept.slice(0, notice.index).endsWith('\n')).toBe(true);
    expect(/^line \d+\n/.test(kept.slice(notice.index + notice[0].length))).toBe(true);
    expect(Buffer.byteLength(kept) - notice[0].length + Number(notice[1])).toBe(Buffer.byteLength(text));
    expect(Buffer.byteLength(kept)).toBeLessThan(4096 + 100);
  });

  it('memory stays bounded while 64 MiB stream through', () => {
    const out = new BoundedOutput(1024 * 1024);
    const chunk = Buffer.alloc(64 * 1024, 'x');
    for (let i = 0; i < 1024; i++) out.push(chunk);
    expect(out.omitted).toBe(64 * 1024 * 1024 - 1024 * 1024);
    expect(out.toString().length).toBeLessThan(1024 * 1024 + 200);
  });

  it('output without newlines is cut mid-stream, still with the notice', () => {
    const out = new BoundedOutput(100);
    out.push(Buffer.alloc(1000, 'a'));
    expect(out.toString()).toBe(`${'a'.repeat(50)}\n[kthw: 900 bytes of output left out here]\n${'a'.repeat(50)}`);
  });
});
