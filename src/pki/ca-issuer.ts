import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { UsageError } from '../util/errors.js';
import { keyIdentifier, type Issuer } from './certificate.js';
import { children, contentBytes, decode, oidOf, tagOf, type Asn1 } from './der.js';
import type { PemPair } from './types.js';

/**
 * Turns a CA's certificate and key (PEM) into the Issuer that signs the other certificates,
 * refusing anything that would produce certificates nobody can verify: a key that is not the
 * certificate's, a certificate that is not a CA, or one that has expired.
 */
export function issuerFromPem(ca: PemPair, where = 'the existing CA', now = new Date()): Issuer {
  let cert: X509Certificate;
  let privateKey: KeyObject;
  try {
    cert = new X509Certificate(ca.certPem);
  } catch (cause) {
    throw new UsageError('the CA certificate is not a PEM X.509 certificate', {
      where,
      fix: 'Give the CA certificate file (ca.crt) as PEM, "-----BEGIN CERTIFICATE-----".',
      cause,
    });
  }
  try {
    privateKey = createPrivateKey(ca.keyPem);
  } catch (cause) {
    throw new UsageError('the CA key is not a readable, unencrypted PEM private key', {
      where,
      fix: 'Give the CA private key file (ca.key) as PEM without a passphrase.',
      cause,
    });
  }
  if (!cert.ca) {
    throw new UsageError(`the certificate "${cert.subject.replace(/\n/g, ', ')}" is not a CA certificate`, {
      where,
      fix: 'Give the certificate authority (basicConstraints CA:TRUE), not a leaf certificate.',
    });
  }
  if (!cert.checkPrivateKey(privateKey)) {
    throw new UsageError('the CA key does not belong to the CA certificate', {
      where,
      fix: 'Give the ca.key generated together with this ca.crt.',
    });
  }
  if (new Date(cert.validTo).getTime() <= now.getTime()) {
    throw new UsageError(`the CA certificate expired on ${cert.validTo}`, {
      where,
      fix: 'Generate a new CA (and so new certificates for every component).',
    });
  }
  const tbs = children(decode(cert.raw))[0];
  const fields = children(tbs);
  // The version field is the optional [0] before the serial; the subject sits 4 fields after it.
  const offset = fields[0]?.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC ? 1 : 0;
  const name = fields[4 + offset] as Asn1;
  return { name, keyId: subjectKeyIdOf(fields) ?? keyIdentifier(cert.publicKey), privateKey };
}

/** The CA's own subject key identifier, when it carries one: children must point at exactly that. */
function subjectKeyIdOf(tbsFields: Asn1[]): Buffer | undefined {
  const wrapper = tbsFields.find((f) => f.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && tagOf(f) === 3);
  for (const ext of children(children(wrapper)[0])) {
    const parts = children(ext);
    if (oidOf(parts[0]) === '2.5.29.14') return contentBytes(decode(contentBytes(parts[parts.length - 1])));
  }
  return undefined;
}
