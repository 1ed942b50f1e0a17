import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { INOTIFY_MINIMUMS, raiseInotifyLimits } from '../../../lab/local/inotify-limits.js';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the inotify limits lab up gives the machines', () => {
  it('raises a limit below its minimum, leaves a higher one alone, and says what it changed', () => {
    dir = mkdtempSync(join(tmpdir(), 'kthw-inotify-'));
    const low = join(dir, 'proc/sys/fs/inotify/max_user_instances'.replaceAll('/', '_'));
    const high = join(dir, 'high');
    writeFileSync(low, '128\n');
    writeFileSync(high, '1048576\n');
    const changed = raiseInotifyLimits({ [low]: 8192, [high]: 524288 });
    expect(readFileSync(low, 'utf8')).toBe('8192\n');
    expect(readFileSync(high, 'utf8')).toBe('1048576\n');
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatch(/128 → 8192$/);
    expect(raiseInotifyLimits({ [low]: 8192, [high]: 524288 })).toEqual([]);
  });

  it('asks for at least what six kubelets beside eight systemd instances need', () => {
    expect(INOTIFY_MINIMUMS['/proc/sys/fs/inotify/max_user_instances']).toBeGreaterThanOrEqual(1024);
    expect(Object.keys(INOTIFY_MINIMUMS).every((p) => p.startsWith('/proc/sys/fs/inotify/'))).toBe(true);
  });
});
