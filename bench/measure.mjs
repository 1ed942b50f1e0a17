// Shared helpers for benchmarks: time a command N times, interleaved with its baseline so both
// see the same machine conditions, and report medians and the ratio.
import { spawnSync } from 'node:child_process';

export function timeCommand(argv, options = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], ...options });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${argv.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Runs `subject` and `baseline` alternately `rounds` times; returns medians in ms and the ratio. */
export function compare(subject, baseline, rounds = 21) {
  const a = [];
  const b = [];
  for (let i = 0; i < rounds; i++) {
    b.push(baseline());
    a.push(subject());
  }
  return { subject: median(a), baseline: median(b), ratio: median(a) / median(b) };
}

export function report(name, { subject, baseline, ratio }, subjectLabel, baselineLabel, goal) {
  const verdict = goal === undefined ? '' : ratio <= goal ? `  (goal ≤ ${goal}×: met)` : `  (goal ≤ ${goal}×: NOT met)`;
  console.log(`${name}: ${subjectLabel} ${subject.toFixed(1)} ms vs ${baselineLabel} ${baseline.toFixed(1)} ms → ${ratio.toFixed(2)}×${verdict}`);
}
