import { UsageError } from '../src/util/errors.js';
import { commandCheck } from './command.js';
import { etcdHealthCheck } from './etcd-health.js';
import { etcdMembersCheck } from './etcd-members.js';
import { fileCheck } from './file.js';
import { httpCheck } from './http.js';
import { kubeconfigCheck } from './kubeconfig.js';
import { portCheck } from './port.js';
import type { CheckPrimitive } from './types.js';
import { unitCheck } from './unit.js';
import { x509Check } from './x509.js';

export type { CheckPrimitive, CheckResult, Diagnosis, Verdict } from './types.js';
export { parseFacts, type Fact } from './facts.js';
export { readCert, type CertInfo } from './cert-info.js';
export type { CommandParams } from './command.js';
export type { EtcdHealthParams } from './etcd-health.js';
export type { EtcdMembersParams } from './etcd-members.js';
export type { FileParams } from './file.js';
export type { HttpParams } from './http.js';
export type { KubeconfigParams } from './kubeconfig.js';
export type { PortParams } from './port.js';
export type { UnitParams } from './unit.js';
export type { X509Params } from './x509.js';

// Each primitive types its own params; the registry holds them behind the common shape.
const all = [
  fileCheck,
  x509Check,
  unitCheck,
  portCheck,
  commandCheck,
  kubeconfigCheck,
  httpCheck,
  etcdHealthCheck,
  etcdMembersCheck,
] as unknown as CheckPrimitive<unknown>[];

export const primitives: Record<string, CheckPrimitive<unknown>> = Object.fromEntries(all.map((p) => [p.kind, p]));

export function getPrimitive(kind: string): CheckPrimitive<unknown> {
  const primitive = Object.hasOwn(primitives, kind) ? primitives[kind] : undefined;
  if (!primitive) {
    throw new UsageError(`unknown check kind "${kind}"`, {
      where: 'check spec kind',
      fix: `Use one of: ${Object.keys(primitives).join(', ')}.`,
    });
  }
  return primitive;
}

export { commandCheck, etcdHealthCheck, etcdMembersCheck, fileCheck, httpCheck, kubeconfigCheck, portCheck, unitCheck, x509Check };
