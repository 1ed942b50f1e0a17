/**
 * The tutor's figures (issue 8), each next to a baseline measured in the same run:
 * 1. first frame: the tutor over a fixture session, run by node in a pty (`script`), until its
 *    chapter list is on screen, vs `node -e 0` through the same pty wrapper (goal ≤ 3×). Two
 *    builds: as dist/ ships it (packages external) and fully bundled + minified (React production).
 * 2. key press → next frame, over the real Ink renderer on TTY-like streams (goal ≤ 50 ms);
 * 3. RSS after walking every real chapter of the classic lab (goal ≤ 120 MB), next to an idle node.
 */
import { stripVTControlCharacters } from 'node:util';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';
import { median } from './measure.mjs';
import { chapterFolderUrls } from '../scripts/chapter-folder-urls.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'kthw-bench-tui-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
const out = join(root, 'node_modules/.cache/kthw-bench-tui');

const common: BuildOptions = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  jsx: 'automatic',
  logLevel: 'error',
  outExtension: { '.js': '.mjs' },
  outdir: out,
  // chapters read their id from their folder's name, as in dist/
  plugins: [chapterFolderUrls(new URL('..', import.meta.url))],
};
// A fully bundled ESM file still meets CommonJS inside (React): give it a require.
const bundled: BuildOptions = {
  ...common,
  minify: true,
  define: { 'process.env.NODE_ENV': '"production"' },
  // Ink loads its devtools (and react-devtools-core) only with DEV=true: keep that in its own chunk.
  splitting: true,
  external: ['react-devtools-core'],
  alias: { 'cli-highlight': join(root, 'src/tui/plain-highlight.ts') },
  banner: { js: "import { createRequire as kthwCreateRequire } from 'node:module'; const require = kthwCreateRequire(import.meta.url);" },
};
await build({ ...common, packages: 'external', entryPoints: { 'fixture-external': join(root, 'test/fixtures/tui-fixture.ts') } });
await build({ ...bundled, entryPoints: { 'fixture-bundled': join(root, 'test/fixtures/tui-fixture.ts'), walk: join(root, 'bench/tui/walk.ts') } });

/** ms from spawn until `marker` is on the pty (or until the command exits, without a marker). */
function timeInPty(command: string, marker?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    // script's pty starts at 0×0: give it 80×24 first, for the subject and the baseline alike.
    const child = spawn('script', ['-qfec', `stty cols 80 rows 24; exec ${command}`, '/dev/null'], {
      detached: true,
      stdio: ['pipe', 'pipe', 'ignore'],
      env: { ...process.env, NODE_ENV: 'production' },
    });
    let seen = '';
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve(Number(process.hrtime.bigint() - start) / 1e6);
      if (marker !== undefined) process.kill(-child.pid!, 'SIGTERM');
    };
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      if (marker !== undefined && stripVTControlCharacters(seen).includes(marker)) finish();
    });
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      process.kill(-child.pid!, 'SIGKILL');
      reject(new Error(`${command} did not show ${JSON.stringify(marker)} within 30 s:\n${seen}`));
    }, 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (marker === undefined) finish();
      else if (!done) reject(new Error(`${command} exited ${code} before showing ${marker}:\n${seen}`));
    });
  });
}

// `kthw learn` itself as dist/ ships it (run `npm run build` first), on a fresh state directory.
const kthw = join(root, 'bin/kthw.js');
if (!existsSync(join(root, 'dist/cli.cjs'))) spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });

const times = { baseline: [] as number[], external: [] as number[], bundled: [] as number[], learn: [] as number[], learnFirst: [] as number[] };
for (let i = 0; i < 11; i++) {
  times.baseline.push(await timeInPty(`${process.execPath} -e 0`));
  times.learnFirst.push(await timeInPty(`env KTHW_HOME=${join(work, `f${i}`)} ${process.execPath} ${kthw} learn`, 'Opening the lab'));
  times.learn.push(await timeInPty(`env KTHW_HOME=${join(work, `h${i}`)} ${process.execPath} ${kthw} learn`, '› · 01'));
  times.external.push(await timeInPty(`${process.execPath} ${join(out, 'fixture-external.mjs')} ${join(work, `e${i}`)}`, 'A workspace'));
  times.bundled.push(await timeInPty(`${process.execPath} ${join(out, 'fixture-bundled.mjs')} ${join(work, `b${i}`)}`, 'A workspace'));
}
const base = median(times.baseline);
for (const [label, values] of [
  ['first frame', times.learnFirst],
  ['chapter list with progress', times.learn],
] as const) {
  const ratio = median(values) / base;
  console.log(
    `kthw learn ${label} (dist/, classic lab): ${median(values).toFixed(1)} ms vs node -e 0 ${base.toFixed(1)} ms → ${ratio.toFixed(2)}×  (goal ≤ 3×: ${ratio <= 3 ? 'met' : 'NOT met'})`,
  );
}
for (const variant of ['external', 'bundled'] as const) {
  const ratio = median(times[variant]) / base;
  console.log(
    `tutor alone over a fixture session, chapter list (${variant === 'external' ? 'packages external, as dist/ was built before' : 'packages bundled in production mode, as dist/ is now'}): ${median(times[variant]).toFixed(1)} ms vs node -e 0 ${base.toFixed(1)} ms → ${ratio.toFixed(2)}×  (goal ≤ 3×: ${ratio <= 3 ? 'met' : 'NOT met'})`,
  );
}

const walk = spawnSync(process.execPath, [join(out, 'walk.mjs'), root], { encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } });
if (walk.status !== 0) throw new Error(`the walk failed: ${walk.stderr}`);
const result = JSON.parse(walk.stdout.trim().split('\n').at(-1)!) as {
  latencies: number[];
  rss: number;
  rssStart: number;
  rssFirstFrame: number;
  chapters: number;
};
const sorted = [...result.latencies].sort((a: number, b: number) => a - b);
const p95 = sorted[Math.floor(sorted.length * 0.95)]!;
console.log(
  `tui key → frame: median ${median(sorted).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms over ${sorted.length} keys  (goal ≤ 50 ms: ${p95 <= 50 ? 'met' : 'NOT met'} at p95)`,
);
const idle = Number(spawnSync(process.execPath, ['-e', 'console.log(process.memoryUsage().rss)'], { encoding: 'utf8' }).stdout) / 2 ** 20;
console.log(
  `tui RSS after walking ${result.chapters} chapters: ${result.rss.toFixed(1)} MB vs an idle node ${idle.toFixed(1)} MB; after imports ${result.rssStart.toFixed(1)} MB, at the first screen with the Markdown renderer ${result.rssFirstFrame.toFixed(1)} MB  (goal ≤ 120 MB: ${result.rss <= 120 ? 'met' : 'NOT met'})`,
);
