import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../../src/util/package-root.js';

describe('packageRoot', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kthw-root-'));
    // A package "kthw" holding a bundled layout, with a dependency that is itself a package.
    await mkdir(join(dir, 'dist', 'chunks'), { recursive: true });
    await mkdir(join(dir, 'node_modules', 'dep', 'lib'), { recursive: true });
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'kthw' }));
    await writeFile(join(dir, 'node_modules', 'dep', 'package.json'), JSON.stringify({ name: 'dep' }));
    await writeFile(join(dir, 'dist', 'chunks', 'package.json'), '{ not json');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds this repository from the unbundled sources', () => {
    expect(packageRoot()).toBe(resolve(import.meta.dirname, '../../..'));
  });

  it('walks up past other and unreadable package.json files, from a URL or a path', () => {
    expect(packageRoot(pathToFileURL(join(dir, 'dist', 'chunks', 'x.js')))).toBe(dir);
    expect(packageRoot(pathToFileURL(join(dir, 'dist', 'cli.js')).href)).toBe(dir);
    expect(packageRoot(join(dir, 'node_modules', 'dep', 'lib', 'index.js'))).toBe(dir);
    expect(packageRoot(join(dir, 'node_modules', 'dep', 'lib', 'index.js'), 'dep')).toBe(join(dir, 'node_modules', 'dep'));
  });

  it('says so when there is none', () => {
    expect(() => packageRoot(join(tmpdir(), 'x.js'), 'no-such-package-name')).toThrow('no package.json named "no-such-package-name" above');
  });
});
