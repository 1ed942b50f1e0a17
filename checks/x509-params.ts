/**
 * A certificate on the host. The private key never leaves the host: for `keyPath` the host prints
 * only the key's public half (`openssl pkey -pubout`), compared here with the certificate's key.
 */
export interface X509Params {
  path: string;
  cn?: string;
  /** The exact set of O values. */
  o?: string[];
  dnsSans?: string[];
  ipSans?: string[];
  /** No SANs beyond dnsSans and ipSans. */
  exactSans?: boolean;
  /** The issuing CA, as PEM (from the lab's PKI) or as a path on the host. */
  caPem?: string;
  caPath?: string;
  keyUsage?: string[];
  extKeyUsage?: string[];
  isCa?: boolean;
  keyPath?: string;
  /** Warn (not fail) when fewer days than this remain. Default 30. */
  warnDays: number;
  /** Judge validity at this instant instead of the current time (ISO 8601). */
  now?: Date;
}
