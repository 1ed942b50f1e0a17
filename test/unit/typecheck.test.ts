import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';

// The bundle is built by esbuild, which strips types without checking them: the type check is a test.
it('the whole project type-checks (tsc --noEmit)', () => {
  const result = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.'], { encoding: 'utf8', timeout: 240_000 });
  expect(result.stdout + result.stderr).toBe('');
  expect(result.status).toBe(0);
}, 240_000);
