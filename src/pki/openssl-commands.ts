import type { CertProfile, KeyAlgorithm } from './types.js';

/**
 * The same certificates, made the way a learner makes them by hand: one openssl config file with
 * a section per profile, and per certificate a key, a request and a signature. Chapter 04 can show
 * these; the benchmark runs them as its baseline; a test checks they agree with generateFromProfiles.
 */

// Profile values come from a validated lab (DNS labels, addresses); anything else would need
// openssl-config escaping, so it is refused rather than written.
const safeValue = /^[A-Za-z0-9 .:_-]+$/;

function checked(value: string): string {
  if (!safeValue.test(value)) throw new Error(`"${value}" cannot be written into an openssl config file unescaped`);
  return value;
}

export function opensslConfig(profiles: CertProfile[]): string {
  const lines = ['# One section per certificate: `openssl req -config THIS -section ID`.', '[req]', 'prompt = no', ''];
  for (const p of profiles) {
    lines.push(
      `[${p.id}]`,
      `distinguished_name = ${p.id}_dn`,
      'prompt = no',
      `${p.isCA ? 'x509_extensions' : 'req_extensions'} = ${p.id}_ext`,
      '',
      `[${p.id}_dn]`,
      // Several values for one attribute name need distinct keys: openssl reads `0.O`, `1.O`...
      ...p.subject.map((a, i) => `${i}.${a.name} = ${checked(a.value)}`),
      '',
      `[${p.id}_ext]`,
      `basicConstraints = ${p.isCA ? 'critical, CA:TRUE' : 'CA:FALSE'}`,
      `keyUsage = critical, ${p.keyUsage.join(', ')}`,
      ...(p.extKeyUsage.length ? [`extendedKeyUsage = ${p.extKeyUsage.join(', ')}`] : []),
      ...(p.sans.dns.length + p.sans.ip.length
        ? [`subjectAltName = ${[...p.sans.dns.map((d) => `DNS:${checked(d)}`), ...p.sans.ip.map((ip) => `IP:${checked(ip)}`)].join(', ')}`]
        : []),
      'subjectKeyIdentifier = hash',
      '',
    );
  }
  return lines.join('\n');
}

function keyArgs(algorithm: KeyAlgorithm): string[] {
  return algorithm.type === 'rsa'
    ? ['-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${algorithm.bits}`]
    : ['-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${algorithm.curve}`];
}

/**
 * The openssl invocations (argv, run in the directory holding `configFile` and the CA files) that
 * produce `<id>.key` and `<id>.crt` for one profile. The CA's must run first.
 */
export function opensslCommands(profile: CertProfile, configFile: string): string[][] {
  const { id } = profile;
  const days = String(profile.validityDays);
  const genkey = ['openssl', 'genpkey', ...keyArgs(profile.keyAlgorithm), '-out', `${id}.key`];
  if (profile.isCA) {
    return [
      genkey,
      ['openssl', 'req', '-x509', '-new', '-key', `${id}.key`, '-sha256', '-days', days, '-config', configFile, '-section', id, '-out', `${id}.crt`],
    ];
  }
  return [
    genkey,
    ['openssl', 'req', '-new', '-key', `${id}.key`, '-sha256', '-config', configFile, '-section', id, '-out', `${id}.csr`],
    [
      'openssl',
      'x509',
      '-req',
      '-in',
      `${id}.csr`,
      '-days',
      days,
      '-copy_extensions',
      'copyall',
      '-sha256',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${id}.crt`,
    ],
  ];
}
