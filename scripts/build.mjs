// Bundles the CLI into dist/: the entry, dist/cli.cjs (commander and the command table), is one
// CommonJS file, so `kthw --help` reads one file through Node's CommonJS loader, some 5 ms less than
// ES modules cost (bench/startup.mjs). What a command runs is ESM with code splitting (dist/commands/,
// dist/chunks/), loaded by the entry's dynamic import() only when that command runs; ink/react/ssh2 and
// heavy modules stay behind further dynamic import() and load where used.
// The bundle is built beside dist/ and swapped in, so a kthw already running never sees half a build.
import { build } from 'esbuild';
import { readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chapterFolderUrls } from './chapter-folder-urls.mjs';

const root = new URL('../', import.meta.url);
const { version, dependencies } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
// commander is bundled into the entry (one file to read instead of a package to resolve: it is all
// `kthw --help` needs). The tutor's packages (loaded only by `kthw learn`) are bundled into its chunk
// in their production builds: one file instead of some 150 modules to resolve, about half the time to
// the first frame (bench/tui.ts). yaml and zod (the lab file's reader, needed before any chapter can
// be listed) are bundled too: 25-30 ms less to open a session. Ink's devtools stay out (they load
// only with DEV=true); ssh2, node-forge and execa stay external and load only where used.
const tutorPackages = ['ink', 'react', 'zustand', 'marked', 'marked-terminal'];
const bundledPackages = ['commander', ...tutorPackages, 'yaml', 'zod'];
const external = [...Object.keys(dependencies).filter((name) => !bundledPackages.includes(name)), 'react-devtools-core'];
const dist = fileURLToPath(new URL('dist', root));

// Ink's layout engine (yoga-layout) carries its WebAssembly as a base64 data: URL and, when a global
// fetch exists, "fetches" it: that loads Node's whole fetch implementation (undici), some 50 ms of
// the tutor's start, to decode bytes it could decode itself. Take its own decoder path instead. The
// pattern is checked: a yoga-layout that no longer has it fails the build rather than slowing down.
// zod's namespace (`z.…`, used whole) re-exports every locale it has: some 300 KB of translated error
// messages, half of the lab reader's chunk, compiled on every start that reads a lab file. kthw
// speaks English only (zod's default, which its schemas import on their own): keep `locales.en`.
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]v4[\\/]/.test(args.importer)
        ? { path: join(dirname(args.importer), '..', 'locales', 'en.js'), namespace: 'zod-locales' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

// commander requires node:child_process when it loads, for executable subcommands kthw does not
// have: a few ms of every start (`kthw --help` included) compiling a built-in nothing uses. It gets
// a spawn that loads child_process on its first call instead.
const commanderLazySpawn = {
  name: 'commander-lazy-spawn',
  setup(build) {
    build.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'commander-lazy-spawn' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'commander-lazy-spawn' }, () => ({
      contents: "exports.spawn = (...args) => require('node:child_process').spawn(...args);",
      loader: 'js',
    }));
  },
};

const yogaFetch = 'w||"function"!=typeof fetch?Promise.resolve().then(function(){return wa()})';
const yogaWithoutFetch = {
  name: 'yoga-without-fetch',
  setup(build) {
    build.onLoad({ filter: /yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes(yogaFetch)) throw new Error(`${args.path}: the wasm loader changed; update yogaWithoutFetch in scripts/build.mjs`);
      return { contents: source.replace(yogaFetch, '!0?Promise.resolve().then(function(){return wa()})'), loader: 'js' };
    });
  },
};
const fresh = `${dist}.building-${process.pid}`;

// The entry's own imports of what commands run (./commands/*.js, ./command-runtime.js) stay
// import() of the ESM files built beside it; they are collected here as that build's entry points.
const commandEntries = new Map();
const commandsAsEsm = {
  name: 'commands-as-esm',
  setup(build) {
    build.onResolve({ filter: /^\.\/(commands\/[\w-]+|command-runtime)\.js$/ }, (args) => {
      const name = args.path.slice(2, -'.js'.length);
      commandEntries.set(name, join(args.resolveDir, `${name}.ts`));
      return { path: args.path, external: true };
    });
  },
};
const shared = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  external,
  sourcemap: 'linked',
  jsx: 'automatic',
  minifySyntax: true,
  minifyWhitespace: true,
  logLevel: 'warning',
  define: { __KTHW_VERSION__: JSON.stringify(version), 'process.env.NODE_ENV': '"production"' },
};

try {
  await build({
    ...shared,
    entryPoints: [fileURLToPath(new URL('src/cli/main.ts', root))],
    outfile: join(fresh, 'cli.cjs'),
    format: 'cjs',
    plugins: [commandsAsEsm, commanderLazySpawn],
  });
  if (commandEntries.size === 0) throw new Error('src/cli/main.ts imports no ./commands/*.js: update commandsAsEsm in scripts/build.mjs');
  await build({
    ...shared,
    entryPoints: Object.fromEntries(commandEntries),
    outdir: fresh,
    splitting: true,
    format: 'esm',
    chunkNames: 'chunks/[name]-[hash]',
    // marked-terminal's highlighter loads highlight.js whole (~19 MB, a third of a second): the
    // tutor shows lesson code in one colour instead (src/tui/plain-highlight.ts).
    plugins: [yogaWithoutFetch, zodEnglishOnly, chapterFolderUrls(root)],
    alias: { 'cli-highlight': fileURLToPath(new URL('src/tui/plain-highlight.ts', root)) },
    // Bundled CommonJS (react, marked-terminal's dependencies) requires Node built-ins; ESM output needs a require for that.
    banner: { js: "import { createRequire as __kthwCreateRequire } from 'node:module'; const require = __kthwCreateRequire(import.meta.url);" },
  });
  const old = `${dist}.old-${process.pid}`;
  try {
    renameSync(dist, old);
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  renameSync(fresh, dist);
  rmSync(old, { recursive: true, force: true });
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
