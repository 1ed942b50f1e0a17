export type {
  CertDraft,
  CertProfile,
  Destination,
  ExtKeyUsage,
  KeyAlgorithm,
  KeyUsage,
  PemPair,
  PkiResult,
  SubjectAttribute,
  SubjectAttributeName,
} from './types.js';
export { profilesFrom, defaultKeyAlgorithm, upstreamValidityDays, type ProfileOptions } from './profiles.js';
export { generateFromProfiles, type GenerateOptions } from './generate.js';
export { writePki, readCa } from './write.js';
export { certificateMismatch } from './mismatch.js';
export { issuerFromPem } from './ca-issuer.js';
export { firstAddressOf, requireCanonicalIp as canonicalIp } from '../lab/cidr.js';
export { opensslConfig, opensslCommands } from './openssl-commands.js';
