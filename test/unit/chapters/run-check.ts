/** Runs a plan's check spec through its real primitive on this machine: gather in sh, then judge. */
import { spawnSync } from 'node:child_process';
import { getPrimitive, type Verdict } from '../../../checks/index.js';
import type { CheckSpec } from '../../../src/plan/types.js';

const pathParams = ['path', 'caPath', 'keyPath'];

/** `root` moves the spec's absolute paths under a scratch directory standing for the machine's `/`. */
export function runCheckHere(spec: CheckSpec, root = ''): Verdict {
  const params = Object.fromEntries(
    Object.entries(spec.params).map(([key, value]) => [key, pathParams.includes(key) && typeof value === 'string' ? `${root}${value}` : value]),
  );
  const primitive = getPrimitive(spec.kind);
  const parsed = primitive.parse(params);
  const gathered = spawnSync('sh', ['-c', primitive.gather(parsed)], { encoding: 'utf8' });
  if (gathered.status !== 0) throw new Error(`gather of ${spec.id} exited ${gathered.status}: ${gathered.stderr}`);
  return primitive.judge(parsed, gathered.stdout);
}
