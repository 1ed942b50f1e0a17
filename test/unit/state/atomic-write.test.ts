import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../src/state/index.js';
import { isTempFileOf } from '../../../src/state/atomic-write.js';
import { tempRoot } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = tempRoot('kthw-atomic-');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('creates and replaces a file, leaving no temp file behind', async () => {
    const path = join(dir, 'state.json');
    await writeFileAtomic(path, 'first');
    await writeFileAtomic(path, Buffer.from('second'));
    expect(readFileSync(path, 'utf8')).toBe('second');
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('sets the exact mode whatever the umask', async () => {
    const path = join(dir, 'key');
    const previous = process.umask(0o077);
    try {
      await writeFileAtomic(path, 'x', { mode: 0o644 });
    } finally {
      process.umask(previous);
    }
    expect(statSync(path).mode & 0o777).toBe(0o644);
    await writeFileAtomic(path, 'y', { mode: 0o600 });
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('on failure removes its temp file and leaves the target alone', async () => {
    const target = join(dir, 'occupied');
    mkdirSync(target);
    writeFileSync(join(target, 'inside'), 'kept');
    await expect(writeFileAtomic(target, 'new')).rejects.toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(readdirSync(dir)).toEqual(['occupied']);
    expect(readFileSync(join(target, 'inside'), 'utf8')).toBe('kept');
  });

  it('fails clearly when the directory does not exist', async () => {
    await expect(writeFileAtomic(join(dir, 'missing', 'f'), 'x')).rejects.toThrow(/ENOENT/);
  });

  it('concurrent writers to one path each land whole', async () => {
    const path = join(dir, 'f');
    const contents = Array.from({ length: 20 }, (_, i) => String(i).repeat(100_000));
    await Promise.all(contents.map((c) => writeFileAtomic(path, c)));
    expect(contents).toContain(readFileSync(path, 'utf8'));
    expect(readdirSync(dir)).toEqual(['f']);
  });

  it('names temp files so that they can be recognised as debris of one file only', () => {
    expect(isTempFileOf('/x/state.json', '.state.json.123.abcdef.tmp')).toBe(true);
    expect(isTempFileOf('/x/state.json', '.state.json.v1.bak')).toBe(false);
    expect(isTempFileOf('/x/state.json', '.other.json.1.a.tmp')).toBe(false);
  });
});
