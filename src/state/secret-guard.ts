import { UsageError } from '../util/errors.js';

const pemPrivateKey = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
/** A field name that says it holds a secret: `key`, `encryptionKey`, `client_secret`, `secretKey`. */
const secretFieldName = /secret|key/i;
/** An identifier-like field name (paths such as `pki/ca.key` used as map keys are not field names). */
const identifier = /^[A-Za-z_][A-Za-z0-9_-]*$/;
/** 32 or more bytes in base64 or base64url: 43+ alphabet characters, optional padding. */
const longBase64 = /^[A-Za-z0-9+/_-]{43,}={0,2}$/;

export interface SecretFinding {
  /** Dotted path of the offending value inside the document. */
  path: string;
  reason: string;
}

/** Find values that look like key material: PEM private keys anywhere, long base64 in secret-named fields. */
export function findSecrets(value: unknown, path: string[] = []): SecretFinding | undefined {
  if (typeof value === 'string') {
    if (pemPrivateKey.test(value)) return { path: path.join('.'), reason: 'it holds a PEM private key' };
    const field = path[path.length - 1];
    if (field !== undefined && identifier.test(field) && secretFieldName.test(field) && longBase64.test(value.trim())) {
      return { path: path.join('.'), reason: `the field "${field}" holds 32 or more bytes of base64, which looks like a key` };
    }
    return undefined;
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findSecrets(item, [...path, String(index)]);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [name, item] of Object.entries(value)) {
      if (pemPrivateKey.test(name)) return { path: path.join('.'), reason: 'a field name holds a PEM private key' };
      const found = findSecrets(item, [...path, name]);
      if (found) return found;
    }
  }
  return undefined;
}

/** Refuse to store a document that holds something that looks like key material. */
export function assertNoSecrets(value: unknown, file: string): void {
  const found = findSecrets(value);
  if (found === undefined) return;
  throw new UsageError(`refusing to write ${found.path || 'the document'} to the state file: ${found.reason}`, {
    where: `${file}: ${found.path}`,
    fix: 'keep secrets in files under the lab directory (pki/, 0600) and record only their path or fingerprint',
  });
}
