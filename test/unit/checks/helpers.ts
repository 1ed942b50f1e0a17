import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { CheckResult } from '../../../checks/types.js';
import { localExecutor, runChecks } from '../../../src/checks-runner/index.js';

/** Runs one check on this machine through the real runner (batch script, bash, judge). */
export async function runOne(kind: string, params: Record<string, unknown>): Promise<CheckResult> {
  const [result] = await runChecks(
    [{ id: `${kind}-check`, title: `a ${kind} check`, host: 'local', kind, params, why: 'why it matters', fix: 'how to fix it' }],
    localExecutor,
  );
  return result!;
}

/** A temp directory removed after the file's tests. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `kthw-${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
