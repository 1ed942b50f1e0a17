import type { CheckResult } from '../../checks/types.js';
import { mark, paint } from './output.js';

/** Check results for people: ✓/✗ per check, and for each failure what was found, where, why and how to fix it. */
export function renderCheckResults(results: CheckResult[], verbose: boolean): string {
  const lines: string[] = [];
  for (const result of results) {
    lines.push(`  ${result.ok ? mark.ok() : mark.fail()} ${paint.dim(result.host.padEnd(8))} ${result.title}`);
    if (verbose && result.ok) lines.push(paint.dim(`      ${result.observed}`));
    if (result.warning) lines.push(...result.warning.split('\n').map((line, i) => `      ${i === 0 ? `${mark.warn()} ` : '  '}${line.trim()}`));
    if (!result.ok && result.diagnosis) {
      const d = result.diagnosis;
      lines.push(`      found: ${d.found}`, `      where: ${d.where}`, `      why:   ${d.why}`, `      fix:   ${d.fix}`);
    }
  }
  return lines.join('\n');
}

export function countResults(results: CheckResult[]): { passed: number; failed: number } {
  const failed = results.filter((r) => !r.ok).length;
  return { passed: results.length - failed, failed };
}
