// The check runner's batching, measured: 30 checks of one host as ONE exec (the runner) against the
// same checks as one exec each (what an unbatched runner does), interleaved in the same run.
// Locally an exec is a bash fork; over SSH each exec is a channel round trip, so the gap widens.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localExecutor, runChecks } from '../src/checks-runner/index.js';
import type { CheckSpec } from '../src/plan/types.js';
import { makePki } from '../test/unit/checks/pki-fixture.js';
import { median } from './measure.mjs';

const dir = mkdtempSync(join(tmpdir(), 'kthw-bench-checks-'));
try {
  const pki = makePki(dir);
  writeFileSync(join(dir, 'file'), 'content\n', { mode: 0o600 });
  const spec = (id: string, kind: string, params: Record<string, unknown>): CheckSpec => ({ id, title: id, host: 'local', kind, params, why: '', fix: '' });
  const specs: CheckSpec[] = [];
  for (let i = 0; i < 10; i++) specs.push(spec(`file-${i}`, 'file', { path: join(dir, 'file'), mode: '0600', contains: 'content' }));
  for (let i = 0; i < 10; i++)
    specs.push(spec(`x509-${i}`, 'x509', { path: pki.path('server.crt'), cn: 'kubernetes', caPem: pki.pem('ca.crt'), keyPath: pki.path('server.key') }));
  for (let i = 0; i < 5; i++) specs.push(spec(`port-${i}`, 'port', { port: 9, closed: true }));
  for (let i = 0; i < 5; i++) specs.push(spec(`command-${i}`, 'command', { run: 'true' }));

  const time = async (action: () => Promise<unknown>) => {
    const start = process.hrtime.bigint();
    await action();
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  const batched: number[] = [];
  const unbatched: number[] = [];
  for (let round = 0; round < 11; round++) {
    unbatched.push(
      await time(async () => {
        for (const one of specs) await runChecks([one], localExecutor);
      }),
    );
    batched.push(
      await time(async () => {
        const results = await runChecks(specs, localExecutor);
        if (results.some((r) => !r.ok)) throw new Error(`a benchmark check failed: ${JSON.stringify(results.find((r) => !r.ok))}`);
      }),
    );
  }
  const [subject, baseline] = [median(batched), median(unbatched)];
  console.log(
    `checks-runner: ${specs.length} checks batched ${subject.toFixed(1)} ms vs one exec per check ${baseline.toFixed(1)} ms → ${(subject / baseline).toFixed(2)}× (local bash; per check batched ${(subject / specs.length).toFixed(2)} ms)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
