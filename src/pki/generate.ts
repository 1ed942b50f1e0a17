import { issuerFromPem } from './ca-issuer.js';
import { issueCertificate } from './certificate.js';
import { generateKey, privateKeyPem } from './keys.js';
import type { ProfileOptions } from './profiles.js';
import type { CertProfile, PemPair, PkiResult } from './types.js';

export interface GenerateOptions extends ProfileOptions {
  /** Keep this CA (e.g. from an earlier run) and sign everything else with it. */
  existingCa?: PemPair;
  /** Where `existingCa` came from, for error messages. */
  existingCaSource?: string;
  now?: Date;
}

/**
 * The certificates and keys of `profiles`, in-process (the course's: `certificateProfiles` in
 * src/plan/certificates.ts). All keys are started at once (they are made on the threadpool, in
 * parallel); the CA is signed first, then every other certificate.
 */
export async function generateFromProfiles(profiles: CertProfile[], options: GenerateOptions = {}): Promise<PkiResult> {
  const now = options.now ?? new Date();
  const caProfile = profiles.find((p) => p.isCA);
  const leaves = profiles.filter((p) => !p.isCA);
  // A given CA is checked before any work starts; a new one is generated alongside the other keys.
  const given = options.existingCa && { ca: options.existingCa, issuer: issuerFromPem(options.existingCa, options.existingCaSource, now) };
  if (!given && !caProfile) throw new Error('the profiles hold no CA and no existing CA was given');
  const caKey = given ? undefined : generateKey(caProfile!.keyAlgorithm);
  const leafKeys = leaves.map((p) => generateKey(p.keyAlgorithm));
  // Awaited later, after the CA: mark them handled now so an early failure is reported there, not as an unhandled rejection.
  for (const key of [caKey, ...leafKeys]) key?.catch(() => undefined);

  let ca: PemPair;
  if (given) {
    ca = given.ca;
  } else {
    const key = await caKey!;
    ca = {
      certPem: await issueCertificate(caProfile!, key.publicKey, { selfKey: key.privateKey }, now),
      keyPem: privateKeyPem(key.privateKey),
    };
  }
  const issuer = given?.issuer ?? issuerFromPem(ca, 'the new CA', now);

  const signed = await Promise.all(
    leaves.map(async (profile, i) => {
      const key = await leafKeys[i]!;
      const certPem = await issueCertificate(profile, key.publicKey, { issuer }, now);
      return [profile.id, { certPem, keyPem: privateKeyPem(key.privateKey) }] as const;
    }),
  );
  return { [caProfile?.id ?? 'ca']: ca, ...Object.fromEntries(signed) };
}
