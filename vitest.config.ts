import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs nothing but Node; `lab` boots real machines once per run
// (test/lab/global-setup.ts) and its files share that lab.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          globalSetup: ['test/support/build-once.ts'],
          include: ['test/unit/**/*.test.{ts,tsx}', 'src/tui/**/*.test.{ts,tsx}'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'lab',
          include: ['test/lab/**/*.test.ts'],
          globalSetup: ['test/lab/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
