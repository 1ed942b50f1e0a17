import { X509Certificate } from 'node:crypto';
import { requireCanonicalIp as canonicalIp } from '../lab/cidr.js';
import type { CertProfile } from './types.js';

const sorted = (values: Iterable<string>) => [...values].sort();
const sameSet = (a: Iterable<string>, b: Iterable<string>) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));

function sansOf(cert: X509Certificate): { dns: string[]; ip: string[] } {
  const dns: string[] = [];
  const ip: string[] = [];
  for (const entry of (cert.subjectAltName ?? '').split(', ').filter(Boolean)) {
    if (entry.startsWith('DNS:')) dns.push(entry.slice(4));
    else if (entry.startsWith('IP Address:')) ip.push(canonicalIp(entry.slice(11).toLowerCase()));
  }
  return { dns, ip };
}

/**
 * Why an existing leaf certificate no longer serves its profile (undefined when it does): another
 * subject, other names or addresses (the lab file changed), another key type, a different issuer,
 * or less than a day of validity left. A certificate that cannot be read does not serve either.
 */
export function certificateMismatch(profile: CertProfile, certPem: string, caCertPem: string, now = new Date()): string | undefined {
  let cert: X509Certificate;
  let ca: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
    ca = new X509Certificate(caCertPem);
  } catch (error) {
    return `it cannot be read (${(error as Error).message})`;
  }
  const subject = cert.subject.split('\n').filter(Boolean);
  const wantedSubject = profile.subject.map((a) => `${a.name}=${a.value}`);
  if (!sameSet(subject, wantedSubject)) return `its subject is ${subject.join(', ')}, the lab now wants ${wantedSubject.join(', ')}`;
  const sans = sansOf(cert);
  const wantedIps = profile.sans.ip.map(canonicalIp);
  if (!sameSet(sans.dns, profile.sans.dns) || !sameSet(sans.ip, wantedIps)) {
    const added = [...profile.sans.dns.filter((n) => !sans.dns.includes(n)), ...wantedIps.filter((n) => !sans.ip.includes(n))];
    const removed = [...sans.dns.filter((n) => !profile.sans.dns.includes(n)), ...sans.ip.filter((n) => !wantedIps.includes(n))];
    return `its names differ from the lab's now (${[added.length ? `missing ${added.join(', ')}` : '', removed.length ? `no longer wanted ${removed.join(', ')}` : ''].filter(Boolean).join('; ')})`;
  }
  const keyType = profile.keyAlgorithm.type === 'ecdsa' ? 'ec' : 'rsa';
  if (cert.publicKey.asymmetricKeyType !== keyType) return `its key is ${cert.publicKey.asymmetricKeyType}, the lab now wants ${profile.keyAlgorithm.type}`;
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return "it was not signed by the lab's CA (pki/ca.crt)";
  if (Date.parse(cert.validTo) - now.getTime() < 24 * 3600 * 1000) return `it expires ${cert.validTo}`;
  return undefined;
}
