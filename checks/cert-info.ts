import { KeyObject, X509Certificate, createPublicKey } from 'node:crypto';
import forge from 'node-forge';
import { bytesToIp } from '../src/lab/cidr.js';

/**
 * What the checks need from a certificate. node:crypto parses and verifies it (any key type);
 * node-forge's ASN.1 reader supplies what node:crypto does not expose: every subject attribute
 * (several O values), key usage bits and SANs as raw values.
 */
export interface CertInfo {
  cert: X509Certificate;
  subject: Record<string, string[]>;
  issuer: Record<string, string[]>;
  dnsSans: string[];
  ipSans: string[];
  keyUsage: string[];
  extKeyUsage: string[];
  isCa: boolean;
  notBefore: Date;
  notAfter: Date;
}

const attributeNames: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
};

const keyUsageNames = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;

const extKeyUsageNames: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
};

type Asn1 = forge.asn1.Asn1;
const { asn1 } = forge;

/** The tag number; in the context-specific class it is not one of forge's universal types. */
function tagOf(node: Asn1): number {
  return node.type;
}

function children(node: Asn1 | undefined): Asn1[] {
  return Array.isArray(node?.value) ? node.value : [];
}

function bytes(node: Asn1 | undefined): Buffer {
  return Buffer.from(typeof node?.value === 'string' ? node.value : '', 'binary');
}

function readName(name: Asn1 | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const set of children(name)) {
    for (const pair of children(set)) {
      const [oidNode, valueNode] = children(pair);
      const oid = asn1.derToOid(forge.util.createBuffer(bytes(oidNode).toString('binary')));
      const key = attributeNames[oid] ?? oid;
      // BMPString is UTF-16; every other string type here is (a subset of) UTF-8.
      const raw = bytes(valueNode);
      const value = valueNode?.type === asn1.Type.BMPSTRING ? raw.swap16().toString('utf16le') : raw.toString('utf8');
      (out[key] ??= []).push(value);
    }
  }
  return out;
}

function readBitString(octets: Buffer): boolean[] {
  // First octet: unused bits in the last octet; then the bits, most significant first.
  const bits: boolean[] = [];
  for (const byte of octets.subarray(1)) for (let bit = 7; bit >= 0; bit--) bits.push(((byte >> bit) & 1) === 1);
  return bits;
}

// decodeBitStrings off: key usage bits must stay bits, not be guessed as nested ASN.1.
const fromDer = asn1.fromDer as unknown as (input: forge.util.ByteStringBuffer, options: object) => Asn1;

function der(node: Asn1 | undefined): Asn1 {
  return fromDer(forge.util.createBuffer(bytes(node).toString('binary')), { decodeBitStrings: false });
}

// The same CA is judged against by many checks in one verify: parse each PEM once.
const parsed = new Map<string, CertInfo>();

export function readCert(pem: string): CertInfo {
  const known = parsed.get(pem);
  if (known) return known;
  const info = parseCert(pem);
  if (parsed.size >= 256) parsed.delete(parsed.keys().next().value!);
  parsed.set(pem, info);
  return info;
}

function parseCert(pem: string): CertInfo {
  const cert = new X509Certificate(pem);
  const root = fromDer(forge.util.createBuffer(cert.raw.toString('binary')), { decodeBitStrings: false });
  const tbs = children(root)[0];
  const fields = children(tbs);
  const offset = fields[0]?.tagClass === asn1.Class.CONTEXT_SPECIFIC && tagOf(fields[0]) === 0 ? 1 : 0;
  const info: CertInfo = {
    cert,
    issuer: readName(fields[offset + 2]),
    subject: readName(fields[offset + 4]),
    dnsSans: [],
    ipSans: [],
    keyUsage: [],
    extKeyUsage: [],
    isCa: false,
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
  };
  const extensions = fields.find((f) => f.tagClass === asn1.Class.CONTEXT_SPECIFIC && tagOf(f) === 3);
  for (const ext of children(children(extensions)[0])) {
    const parts = children(ext);
    const oid = asn1.derToOid(forge.util.createBuffer(bytes(parts[0]).toString('binary')));
    const value = der(parts[parts.length - 1]);
    if (oid === '2.5.29.17') {
      for (const name of children(value)) {
        if (tagOf(name) === 2) info.dnsSans.push(bytes(name).toString('utf8'));
        if (tagOf(name) === 7) info.ipSans.push(bytesToIp(bytes(name)));
      }
    } else if (oid === '2.5.29.15') {
      readBitString(bytes(value)).forEach((set, i) => set && keyUsageNames[i] && info.keyUsage.push(keyUsageNames[i]));
    } else if (oid === '2.5.29.37') {
      for (const usage of children(value)) {
        const usageOid = asn1.derToOid(forge.util.createBuffer(bytes(usage).toString('binary')));
        info.extKeyUsage.push(extKeyUsageNames[usageOid] ?? usageOid);
      }
    } else if (oid === '2.5.29.19') {
      const first = children(value)[0];
      info.isCa = first?.type === asn1.Type.BOOLEAN && bytes(first)[0] !== 0;
    }
  }
  return info;
}

/** The certificates in a PEM bundle, in order. */
export function pemBlocks(text: string, label = 'CERTIFICATE'): string[] {
  const pattern = new RegExp(`-----BEGIN ${label}-----[\\s\\S]*?-----END ${label}-----`, 'g');
  return text.match(pattern) ?? [];
}

/** DER of a public key (SPKI), comparable byte for byte. */
export function spki(key: KeyObject | string): Buffer {
  const publicKey = key instanceof KeyObject && key.type === 'public' ? key : createPublicKey(key);
  return publicKey.export({ type: 'spki', format: 'der' });
}

export function describeName(name: Record<string, string[]>): string {
  return Object.entries(name)
    .flatMap(([key, values]) => values.map((v) => `${key}=${v}`))
    .join(', ');
}
