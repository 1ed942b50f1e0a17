import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../../..');

/**
 * The CLI ships bundled into dist/cli.js + dist/chunks/*.js; the shipped lab files must still be found
 * from there. Bundle the loader the way scripts/build.mjs does into a copy of the package layout and
 * run it with node.
 */
describe('builtinLabPath from bundled code', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kthw-bundle-'));
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'kthw', type: 'module' }));
    await mkdir(join(dir, 'lab'));
    await cp(join(repo, 'lab', 'classic.yaml'), join(dir, 'lab', 'classic.yaml'));
    await cp(join(repo, 'lab', 'ipv6-ha.yaml'), join(dir, 'lab', 'ipv6-ha.yaml'));
    await symlink(join(repo, 'node_modules'), join(dir, 'node_modules'));
    await writeFile(
      join(dir, 'probe.ts'),
      `const { builtinLabPath, loadLab } = await import(${JSON.stringify(join(repo, 'src/lab/load.ts'))});
const lab = await loadLab(builtinLabPath('ipv6-ha'));
console.log(JSON.stringify({ path: builtinLabPath('classic'), hosts: lab.hosts.length }));`,
    );
    await writeFile(
      join(dir, 'inline.ts'),
      `import { builtinLabPath } from ${JSON.stringify(join(repo, 'src/lab/load.ts'))};
console.log(JSON.stringify({ path: builtinLabPath('classic') }));`,
    );
    await build({
      entryPoints: { cli: join(dir, 'probe.ts') },
      outdir: join(dir, 'dist'),
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      logLevel: 'silent',
      chunkNames: 'chunks/[name]-[hash]',
    });
    // No splitting: the loader lands in dist/inline.js itself, one directory less deep than a chunk.
    await build({
      entryPoints: { inline: join(dir, 'inline.ts') },
      outdir: join(dir, 'dist'),
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      logLevel: 'silent',
    });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds lab/ of the package the chunks belong to', async () => {
    // The loader really sits in a chunk, one directory deeper than the entry.
    expect((await readdir(join(dir, 'dist', 'chunks'))).some((f) => f.startsWith('load-'))).toBe(true);
    const { stdout } = await promisify(execFile)(process.execPath, [join(dir, 'dist', 'cli.js')], { cwd: tmpdir() });
    expect(JSON.parse(stdout)).toEqual({ path: join(dir, 'lab', 'classic.yaml'), hosts: 8 });
  });

  it('and from code bundled into an entry file directly under dist/', async () => {
    expect(await readFile(join(dir, 'dist', 'inline.js'), 'utf8')).toContain('function packageRoot(');
    const { stdout } = await promisify(execFile)(process.execPath, [join(dir, 'dist', 'inline.js')], { cwd: tmpdir() });
    expect(JSON.parse(stdout)).toEqual({ path: join(dir, 'lab', 'classic.yaml') });
  });
});
