// Unit tests that run the real `kthw` binary need dist/ fresh: build it once per test run.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
