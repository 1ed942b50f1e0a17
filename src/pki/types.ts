/**
 * The certificates of a lab, as plain data: what each one says (subject, names, usages), which key
 * it carries and where its files go. Derived from the lab alone, so a chapter can show it and a
 * check can compare a machine against it without generating anything.
 */

/** ECDSA P-256 is the default (see src/pki/README.md for the measurements behind that choice). */
export type KeyAlgorithm = { type: 'ecdsa'; curve: 'P-256' | 'P-384' } | { type: 'rsa'; bits: 2048 | 3072 | 4096 };

export type SubjectAttributeName = 'C' | 'ST' | 'L' | 'O' | 'OU' | 'CN';

/** One attribute of a distinguished name, in the order it is encoded. */
export interface SubjectAttribute {
  name: SubjectAttributeName;
  value: string;
}

export type KeyUsage = 'digitalSignature' | 'keyEncipherment' | 'keyCertSign' | 'cRLSign';
export type ExtKeyUsage = 'serverAuth' | 'clientAuth';

/** A file this profile places on a host: its certificate or its private key. */
export interface Destination {
  host: string;
  file: 'cert' | 'key';
  /** Absolute path on that host. */
  path: string;
  /** 0o600 for keys, 0o644 for certificates. */
  mode: number;
}

export interface CertProfile {
  /** Unique within a lab; also the file base name (`<id>.crt`, `<id>.key`). */
  id: string;
  /** What the certificate is for, one line, for lessons and diagnoses. */
  purpose: string;
  subject: SubjectAttribute[];
  sans: { dns: string[]; ip: string[] };
  keyAlgorithm: KeyAlgorithm;
  keyUsage: KeyUsage[];
  extKeyUsage: ExtKeyUsage[];
  validityDays: number;
  isCA: boolean;
  destinations: Destination[];
}

/**
 * A certificate as the chapter that teaches it declares it: what it says and where it goes. The key
 * type, the key usages that follow from it and the validity are kthw's (`profilesFrom`).
 */
export type CertDraft = Omit<CertProfile, 'keyAlgorithm' | 'keyUsage' | 'validityDays'>;

export interface PemPair {
  certPem: string;
  keyPem: string;
}

/** profile id → its certificate and private key, PEM. Always contains `ca`. */
export type PkiResult = Record<string, PemPair>;
