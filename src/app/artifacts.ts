import { join } from 'node:path';
import type { StepRecord } from '../engine/run-plan.js';
import type { Plan } from '../plan/types.js';
import { sha256File, sha256Text } from '../state/index.js';

/** Fingerprints of what a finished step placed: rendered files by content, lab-directory files by bytes. */
export async function artifactsOf(plan: Plan, record: StepRecord, labDir: string): Promise<Record<string, string>> {
  if (record.status !== 'done') return {};
  const step = plan.steps.find((s) => s.id === record.step);
  const artifacts: Record<string, string> = {};
  for (const action of step?.actions ?? []) {
    if (action.kind === 'file') artifacts[`${step!.host}:${action.path}`] = sha256Text(action.content);
    if (action.kind === 'secret-file') artifacts[`${step!.host}:${action.path}`] = await sha256File(join(labDir, action.secret)).catch(() => '0'.repeat(64));
  }
  return artifacts;
}
