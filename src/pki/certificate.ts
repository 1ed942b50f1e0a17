import { createHash, randomBytes, sign, type KeyObject } from 'node:crypto';
import { UsageError } from '../util/errors.js';
import {
  bitString,
  boolean,
  decode,
  encode,
  explicit,
  implicitBytes,
  namedBits,
  nullValue,
  octetString,
  oid,
  pem,
  printableString,
  sequence,
  set,
  time,
  unsignedInteger,
  utf8String,
  children,
  contentBytes,
  type Asn1,
} from './der.js';
import { ipToBytes } from '../lab/cidr.js';
import type { CertProfile, ExtKeyUsage, KeyUsage, SubjectAttributeName } from './types.js';

/**
 * X.509 v3 certificates built from node-forge's ASN.1 encoder and signed by node:crypto. Forge's
 * own certificate builder only knows RSA keys and signs in JavaScript; this keeps forge for the
 * structure and lets OpenSSL (inside Node) do the key and signature work, for RSA and ECDSA alike.
 */

/** The signing side of a certificate: a CA (or the certificate itself, when self-signed). */
export interface Issuer {
  /** The issuer's subject Name, encoded exactly as in its own certificate. */
  name: Asn1;
  /** The issuer's subject key identifier: becomes the authority key identifier of what it signs. */
  keyId: Buffer;
  privateKey: KeyObject;
}

const attributeOids: Record<SubjectAttributeName, string> = {
  C: '2.5.4.6',
  ST: '2.5.4.8',
  L: '2.5.4.7',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  CN: '2.5.4.3',
};
const keyUsageBits: Record<KeyUsage, number> = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 };
const extKeyUsageOids: Record<ExtKeyUsage, string> = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' };

/** Certificates are valid from a little before now, so a host whose clock lags slightly still accepts them. */
const backdateMs = 5 * 60_000;

export function nameOf(profile: CertProfile): Asn1 {
  // C must be a PrintableString (RFC 5280 appendix A); everything else UTF8String.
  return sequence(...profile.subject.map((a) => set(sequence(oid(attributeOids[a.name]), a.name === 'C' ? printableString(a.value) : utf8String(a.value)))));
}

/** RFC 5280 4.2.1.2 method 1 (what `openssl ... subjectKeyIdentifier=hash` computes): SHA-1 of the key bits. */
export function keyIdentifier(publicKey: KeyObject): Buffer {
  const spki = decode(publicKey.export({ type: 'spki', format: 'der' }));
  const keyBits = contentBytes(children(spki)[1]).subarray(1);
  return createHash('sha1').update(keyBits).digest();
}

function signatureAlgorithm(key: KeyObject): { digest: string; identifier: Asn1 } {
  if (key.asymmetricKeyType === 'rsa') {
    return { digest: 'sha256', identifier: sequence(oid('1.2.840.113549.1.1.11'), nullValue()) };
  }
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1') return { digest: 'sha256', identifier: sequence(oid('1.2.840.10045.4.3.2')) };
    if (curve === 'secp384r1') return { digest: 'sha384', identifier: sequence(oid('1.2.840.10045.4.3.3')) };
  }
  const detail = key.asymmetricKeyDetails?.namedCurve ?? key.asymmetricKeyType;
  throw new UsageError(`cannot sign certificates with a ${detail} key`, {
    fix: 'Use a CA key that is RSA, ECDSA P-256 or ECDSA P-384.',
  });
}

function extension(id: string, critical: boolean, value: Asn1): Asn1 {
  return sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(encode(value)));
}

function extensions(profile: CertProfile, subjectKeyId: Buffer, issuer: Issuer): Asn1 {
  const list: Asn1[] = [
    // RFC 5280 4.2.1.9: critical in a CA certificate; cA FALSE is the default, so DER leaves it out.
    extension('2.5.29.19', profile.isCA, sequence(...(profile.isCA ? [boolean(true)] : []))),
    extension('2.5.29.15', true, namedBits(profile.keyUsage.map((u) => keyUsageBits[u]))),
  ];
  if (profile.extKeyUsage.length > 0) {
    list.push(extension('2.5.29.37', false, sequence(...profile.extKeyUsage.map((u) => oid(extKeyUsageOids[u])))));
  }
  const names = [
    ...profile.sans.dns.map((dns) => implicitBytes(2, Buffer.from(dns, 'ascii'))),
    ...profile.sans.ip.map((ip) => implicitBytes(7, ipToBytes(ip))),
  ];
  if (names.length > 0) list.push(extension('2.5.29.17', false, sequence(...names)));
  list.push(extension('2.5.29.14', false, octetString(subjectKeyId)));
  if (!profile.isCA || !issuer.keyId.equals(subjectKeyId)) {
    list.push(extension('2.5.29.35', false, sequence(implicitBytes(0, issuer.keyId))));
  }
  return explicit(3, sequence(...list));
}

function randomSerial(): Buffer {
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x40; // positive, and always 16 bytes long
  return serial;
}

/** Builds and signs one certificate for `profile` over `publicKey`: by `issuer`, or self-signed with `selfKey`. */
export async function issueCertificate(
  profile: CertProfile,
  publicKey: KeyObject,
  signer: { issuer: Issuer } | { selfKey: KeyObject },
  now: Date = new Date(),
): Promise<string> {
  const subjectName = nameOf(profile);
  const subjectKeyId = keyIdentifier(publicKey);
  const issuer: Issuer = 'issuer' in signer ? signer.issuer : { name: subjectName, keyId: subjectKeyId, privateKey: signer.selfKey };
  const algorithm = signatureAlgorithm(issuer.privateKey);
  const notBefore = new Date(now.getTime() - backdateMs);
  const notAfter = new Date(now.getTime() + profile.validityDays * 86_400_000);

  const tbs = encode(
    sequence(
      explicit(0, unsignedInteger(Buffer.from([2]))), // v3
      unsignedInteger(randomSerial()),
      algorithm.identifier,
      issuer.name,
      sequence(time(notBefore), time(notAfter)),
      subjectName,
      decode(publicKey.export({ type: 'spki', format: 'der' })),
      extensions(profile, subjectKeyId, issuer),
    ),
  );
  const signature = await new Promise<Buffer>((resolve, reject) =>
    sign(algorithm.digest, tbs, issuer.privateKey, (error, result) => (error ? reject(error) : resolve(result))),
  );
  const certificate = encode(sequence(decode(tbs), algorithm.identifier, bitString(signature)));
  return pem('CERTIFICATE', certificate);
}
