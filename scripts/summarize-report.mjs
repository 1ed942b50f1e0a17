// Reads vitest JSON reports (one per run: scripts/test.sh runs the unit and lab projects apart) and
// prints the plain closing line CI reads: "N passed, N failed", summed over them. A report that is
// missing or unreadable counts as a failure, never as a pass.
import { readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of process.argv.slice(2)) {
  let report;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    failed++;
    console.error(`summarize-report: no readable vitest report at ${file}: ${error.message}`);
    continue;
  }
  passed += report.numPassedTests ?? 0;
  // Files that failed to load count as failures even though no test in them ran.
  const failedSuites = (report.testResults ?? []).filter((r) => r.status === 'failed' && (r.assertionResults ?? []).length === 0).length;
  failed += (report.numFailedTests ?? 0) + failedSuites;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
}
if (process.argv.length <= 2) failed++;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
