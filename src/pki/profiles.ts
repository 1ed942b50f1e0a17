/**
 * From the certificates chapters declare (`CertDraft`) to full profiles: the key each carries, the
 * usages that key allows and the validity. Which certificates a lab has is the chapters' business
 * (ChapterModule.certificates); this module knows none of them.
 */
import type { Lab } from '../lab/types.js';
import { UsageError } from '../util/errors.js';
import type { CertDraft, CertProfile, KeyAlgorithm, KeyUsage } from './types.js';

export interface ProfileOptions {
  /** Key type for every profile without its own entry in `keyAlgorithms`. Default ECDSA P-256. */
  keyAlgorithm?: KeyAlgorithm;
  /** Per profile id, e.g. `{ ca: { type: 'rsa', bits: 4096 } }` for upstream's CA key. */
  keyAlgorithms?: Record<string, KeyAlgorithm>;
  /** Upstream: 3653 days (ten years) for every certificate. */
  validityDays?: number;
}

export const defaultKeyAlgorithm: KeyAlgorithm = { type: 'ecdsa', curve: 'P-256' };
export const upstreamValidityDays = 3653;

/**
 * The drafts of `lab`, in their order, made whole with `options`. Two drafts with one id are
 * refused: their files (`pki/<id>.crt`) would collide. Pure: the same input, the same profiles.
 */
export function profilesFrom(lab: Lab, drafts: readonly CertDraft[], options: ProfileOptions = {}): CertProfile[] {
  const seen = new Map<string, string>();
  for (const draft of drafts) {
    const earlier = seen.get(draft.id);
    if (earlier !== undefined) {
      throw new UsageError(`two certificates would both be named "${draft.id}" (${earlier}; ${draft.purpose})`, {
        where: lab.source,
        fix: `Rename the host called "${draft.id}": certificate files are named after workers and etcd hosts.`,
      });
    }
    seen.set(draft.id, draft.purpose);
  }

  return drafts.map((draft) => {
    const keyAlgorithm = options.keyAlgorithms?.[draft.id] ?? options.keyAlgorithm ?? defaultKeyAlgorithm;
    return {
      ...draft,
      keyAlgorithm,
      keyUsage: keyUsageFor(draft.isCA, keyAlgorithm),
      validityDays: options.validityDays ?? upstreamValidityDays,
    };
  });
}

/** A CA signs; an RSA leaf key may also encipher a TLS key exchange, an EC leaf key only signs. */
function keyUsageFor(isCA: boolean, key: KeyAlgorithm): KeyUsage[] {
  if (isCA) return ['keyCertSign', 'cRLSign'];
  return key.type === 'rsa' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'];
}
