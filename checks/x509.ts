import { shq } from '../src/ssh/shell-quote.js';
import { describeName, pemBlocks, readCert, spki, type CertInfo } from './cert-info.js';
import { errorText, factOf, gatherScript, parseFacts, type Fact } from './facts.js';
import { canonicalIp } from '../src/lab/cidr.js';
import { ParamReader } from './params.js';
import type { CheckPrimitive } from './types.js';
import { fail, verdictFrom } from './verdict.js';
import { x509Tasks } from './x509-ansible.js';
import type { X509Params } from './x509-params.js';
export type { X509Params } from './x509-params.js';

export const x509Check: CheckPrimitive<X509Params> = {
  kind: 'x509',

  parse(params) {
    const read = new ParamReader('x509', params);
    const ipSans = read.optStrings('ipSans');
    ipSans?.forEach((ip) => canonicalIp(ip) ?? read.fail('ipSans', 'a list of IPv4/IPv6 addresses'));
    const caPem = read.optString('caPem');
    if (caPem !== undefined && pemBlocks(caPem).length === 0) read.fail('caPem', 'a PEM certificate');
    const now = read.optString('now');
    if (now !== undefined && Number.isNaN(Date.parse(now))) read.fail('now', 'an ISO 8601 date');
    return {
      path: read.string('path'),
      cn: read.optString('cn'),
      o: read.optStrings('o'),
      dnsSans: read.optStrings('dnsSans'),
      ipSans: ipSans?.map((ip) => canonicalIp(ip)!),
      exactSans: read.optBoolean('exactSans'),
      caPem,
      caPath: read.optString('caPath'),
      keyUsage: read.optStrings('keyUsage'),
      extKeyUsage: read.optStrings('extKeyUsage'),
      isCa: read.optBoolean('isCa'),
      keyPath: read.optString('keyPath'),
      warnDays: read.optNumber('warnDays', { min: 0 }) ?? 30,
      now: now === undefined ? undefined : new Date(now),
    };
  },

  gather(p) {
    const lines = [`kthw_fact cert cat -- ${shq(p.path)}`];
    if (p.caPath !== undefined && p.caPem === undefined) lines.push(`kthw_fact ca cat -- ${shq(p.caPath)}`);
    if (p.keyPath !== undefined) lines.push(`kthw_fact keypub openssl pkey -pubout -in ${shq(p.keyPath)}`);
    return gatherScript(lines);
  },

  judge(p, text) {
    const facts = parseFacts(text);
    const certFact = factOf(facts, 'cert');
    if (certFact.code !== 0) return fail('missing', `cannot read the certificate: ${errorText(certFact)}`, p.path);
    let info: CertInfo;
    try {
      info = readCert(pemBlocks(certFact.stdout)[0] ?? certFact.stdout);
    } catch (error) {
      return fail('unreadable', `not a PEM certificate (${(error as Error).message})`, p.path);
    }
    const problems = [
      ...subjectProblems(p, info),
      ...sanProblems(p, info),
      ...usageProblems(p, info),
      ...issuerProblems(p, info, facts.get('ca')),
      ...keyProblems(p, info, facts.get('keypub')),
    ];
    const { problem, warning } = validity(info, p.now ?? new Date(), p.warnDays);
    if (problem) problems.push(problem);
    const observed = `${describeName(info.subject)}; issuer ${describeName(info.issuer)}; valid until ${info.notAfter.toISOString()}`;
    return verdictFrom(problems, observed, p.path, warning);
  },

  ansible: (p, ctx) => x509Tasks(p, ctx),
};

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && [...a].sort().join('\0') === [...b].sort().join('\0');
}

export function subjectProblems(p: { cn?: string; o?: string[] }, info: CertInfo): string[] {
  const problems: string[] = [];
  const cn = info.subject.CN ?? [];
  if (p.cn !== undefined && !(cn.length === 1 && cn[0] === p.cn)) {
    problems.push(`subject CN is ${cn.length ? cn.map((v) => JSON.stringify(v)).join(', ') : 'absent'}, expected ${JSON.stringify(p.cn)}`);
  }
  const o = info.subject.O ?? [];
  if (p.o !== undefined && !sameSet(o, p.o)) {
    problems.push(`subject O is ${o.length ? o.map((v) => JSON.stringify(v)).join(', ') : 'absent'}, expected ${p.o.map((v) => JSON.stringify(v)).join(', ')}`);
  }
  return problems;
}

function sanProblems(p: X509Params, info: CertInfo): string[] {
  const problems: string[] = [];
  const missingDns = (p.dnsSans ?? []).filter((name) => !info.dnsSans.includes(name));
  const missingIp = (p.ipSans ?? []).filter((ip) => !info.ipSans.includes(ip));
  if (missingDns.length) problems.push(`SAN DNS ${missingDns.join(', ')} missing`);
  if (missingIp.length) problems.push(`SAN IP ${missingIp.join(', ')} missing`);
  if (p.exactSans) {
    const extraDns = info.dnsSans.filter((name) => !(p.dnsSans ?? []).includes(name));
    const extraIp = info.ipSans.filter((ip) => !(p.ipSans ?? []).includes(ip));
    if (extraDns.length || extraIp.length)
      problems.push(`unexpected SANs ${[...extraDns.map((n) => `DNS ${n}`), ...extraIp.map((i) => `IP ${i}`)].join(', ')}`);
  }
  if (problems.length)
    problems.push(`(the certificate has ${[...info.dnsSans.map((n) => `DNS ${n}`), ...info.ipSans.map((i) => `IP ${i}`)].join(', ') || 'no SANs'})`);
  return problems;
}

function usageProblems(p: X509Params, info: CertInfo): string[] {
  const problems: string[] = [];
  const missingKu = (p.keyUsage ?? []).filter((u) => !info.keyUsage.includes(u));
  const missingEku = (p.extKeyUsage ?? []).filter((u) => !info.extKeyUsage.includes(u));
  if (missingKu.length) problems.push(`key usage lacks ${missingKu.join(', ')} (has ${info.keyUsage.join(', ') || 'none'})`);
  if (missingEku.length) problems.push(`extended key usage lacks ${missingEku.join(', ')} (has ${info.extKeyUsage.join(', ') || 'none'})`);
  if (p.isCa !== undefined && p.isCa !== info.isCa)
    problems.push(info.isCa ? 'is a CA certificate, expected a leaf' : 'is not a CA certificate (basicConstraints CA:TRUE missing)');
  return problems;
}

/** `caFile`: where the CA was read on the host, named in the finding (two CAs often share a name). */
export function issuedBy(info: CertInfo, caPem: string, caFile?: string): string | undefined {
  let ca: CertInfo;
  try {
    ca = readCert(pemBlocks(caPem)[0] ?? caPem);
  } catch (error) {
    return `the CA certificate is unreadable (${(error as Error).message})`;
  }
  const caName = describeName(ca.subject);
  const theCa = caFile === undefined ? `the CA ${caName}` : `the CA ${caName} in ${caFile}`;
  if (describeName(info.issuer) !== caName) return `issued by ${describeName(info.issuer)}, not by ${theCa}`;
  if (!info.cert.verify(ca.cert.publicKey))
    return `names ${theCa} as issuer but its signature does not verify with that CA's key (signed by another CA of the same name)`;
  return undefined;
}

function issuerProblems(p: X509Params, info: CertInfo, caFact: Fact | undefined): string[] {
  if (p.caPem !== undefined) return [issuedBy(info, p.caPem)].filter((x): x is string => x !== undefined);
  if (p.caPath === undefined) return [];
  if (!caFact || caFact.code !== 0) return [`cannot read the CA certificate ${p.caPath}: ${caFact ? errorText(caFact) : 'not gathered'}`];
  return [issuedBy(info, caFact.stdout, p.caPath)].filter((x): x is string => x !== undefined);
}

function keyProblems(p: X509Params, info: CertInfo, keyFact: Fact | undefined): string[] {
  if (p.keyPath === undefined) return [];
  if (!keyFact || keyFact.code !== 0) return [`cannot read the private key ${p.keyPath}: ${keyFact ? errorText(keyFact) : 'not gathered'}`];
  try {
    if (!spki(keyFact.stdout).equals(spki(info.cert.publicKey))) return [`the private key ${p.keyPath} does not match the certificate's public key`];
  } catch (error) {
    return [`the public part of ${p.keyPath} is unreadable (${(error as Error).message})`];
  }
  return [];
}

function validity(info: CertInfo, now: Date, warnDays: number): { problem?: string; warning?: string } {
  if (now < info.notBefore) return { problem: `not valid before ${info.notBefore.toISOString()} (clock or certificate dates wrong)` };
  if (now > info.notAfter) return { problem: `expired on ${info.notAfter.toISOString()}` };
  const daysLeft = (info.notAfter.getTime() - now.getTime()) / 86_400_000;
  if (daysLeft < warnDays) return { warning: `expires in ${Math.floor(daysLeft)} days (${info.notAfter.toISOString()})` };
  return {};
}
