// Runs every benchmark under bench/ (or those named on the command line) one after another.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const here = new URL('.', import.meta.url);
const all = readdirSync(here).filter((f) => /\.(mjs|ts)$/.test(f) && !['run.mjs', 'measure.mjs', 'own-lab.ts'].includes(f));
const wanted = process.argv.slice(2);
for (const file of all.filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))) {
  const runner = file.endsWith('.ts') ? ['npx', 'tsx', file] : [process.execPath, file];
  const result = spawnSync(runner[0], runner.slice(1), { cwd: here, stdio: 'inherit' });
  if (result.status !== 0) process.exitCode = 1;
}
