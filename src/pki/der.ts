import forge from 'node-forge';

/**
 * Small constructors over node-forge's ASN.1 encoder. Forge works on "binary strings" (one char
 * per byte); these helpers take and give Buffers so the rest of the module never sees them.
 */
export type Asn1 = forge.asn1.Asn1;
const { asn1 } = forge;
const { Class, Type } = asn1;

export const toBinary = (bytes: Buffer): string => bytes.toString('binary');
export const fromBinary = (text: string): Buffer => Buffer.from(text, 'binary');

export function encode(node: Asn1): Buffer {
  return fromBinary(asn1.toDer(node).getBytes());
}
export function decode(der: Buffer): Asn1 {
  return asn1.fromDer(forge.util.createBuffer(toBinary(der)));
}

export const sequence = (...items: Asn1[]): Asn1 => asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, items);
export const set = (...items: Asn1[]): Asn1 => asn1.create(Class.UNIVERSAL, Type.SET, true, items);
export const oid = (dotted: string): Asn1 => asn1.create(Class.UNIVERSAL, Type.OID, false, asn1.oidToDer(dotted).getBytes());
export const nullValue = (): Asn1 => asn1.create(Class.UNIVERSAL, Type.NULL, false, '');
export const boolean = (value: boolean): Asn1 => asn1.create(Class.UNIVERSAL, Type.BOOLEAN, false, value ? '\xff' : '\x00');
export const octetString = (bytes: Buffer): Asn1 => asn1.create(Class.UNIVERSAL, Type.OCTETSTRING, false, toBinary(bytes));
export const utf8String = (text: string): Asn1 => asn1.create(Class.UNIVERSAL, Type.UTF8, false, toBinary(Buffer.from(text, 'utf8')));
export const printableString = (text: string): Asn1 => asn1.create(Class.UNIVERSAL, Type.PRINTABLESTRING, false, text);

/** A BIT STRING whose content is whole bytes (signatures, keys): no unused bits. */
export const bitString = (bytes: Buffer): Asn1 => asn1.create(Class.UNIVERSAL, Type.BITSTRING, false, `\x00${toBinary(bytes)}`);

/** A named-bit BIT STRING (key usage): DER drops trailing zero bits and says how many were dropped. */
export function namedBits(bits: number[]): Asn1 {
  const highest = Math.max(...bits);
  const bytes = Buffer.alloc((highest >> 3) + 1);
  for (const bit of bits) bytes[bit >> 3]! |= 0x80 >> (bit & 7);
  const unused = 7 - (highest & 7);
  return asn1.create(Class.UNIVERSAL, Type.BITSTRING, false, String.fromCharCode(unused) + toBinary(bytes));
}

/** A non-negative INTEGER from big-endian bytes (a leading zero keeps it positive). */
export function unsignedInteger(bytes: Buffer): Asn1 {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  const body = trimmed[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
  return asn1.create(Class.UNIVERSAL, Type.INTEGER, false, toBinary(body));
}

/** RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
export function time(date: Date): Asn1 {
  return date.getUTCFullYear() < 2050
    ? asn1.create(Class.UNIVERSAL, Type.UTCTIME, false, asn1.dateToUtcTime(date))
    : asn1.create(Class.UNIVERSAL, Type.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(date));
}

/** [n] EXPLICIT: a context tag wrapping a whole element. */
export const explicit = (tag: number, inner: Asn1): Asn1 => asn1.create(Class.CONTEXT_SPECIFIC, tag, true, [inner]);
/** [n] IMPLICIT primitive: a context tag replacing the element's own tag. */
export const implicitBytes = (tag: number, bytes: Buffer): Asn1 => asn1.create(Class.CONTEXT_SPECIFIC, tag, false, toBinary(bytes));

/** The tag number; in the context-specific class it is not one of forge's universal types. */
export function tagOf(node: Asn1): number {
  return node.type;
}

export function children(node: Asn1 | undefined): Asn1[] {
  return Array.isArray(node?.value) ? node.value : [];
}

/** Raw content bytes of a primitive element; for a BIT STRING forge parsed into parts, the original bytes. */
export function contentBytes(node: Asn1 | undefined): Buffer {
  const withBits: (Asn1 & { bitStringContents?: string }) | undefined = node;
  if (withBits?.bitStringContents !== undefined) return fromBinary(withBits.bitStringContents);
  return typeof node?.value === 'string' ? fromBinary(node.value) : Buffer.alloc(0);
}

export function oidOf(node: Asn1 | undefined): string {
  return asn1.derToOid(toBinary(contentBytes(node)));
}

export function pem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
