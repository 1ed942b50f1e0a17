import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/util/errors.js';
import { findSecrets, recordStep, setChapterParams, sha256Text } from '../../../src/state/index.js';
import { openStore, snapshotDir, tempRoot } from './helpers.js';

const pem = (type: 'rsa' | 'ec' | 'ed25519') =>
  generateKeyPairSync(
    type as 'rsa',
    {
      modulusLength: 2048,
      namedCurve: 'P-256',
      privateKeyEncoding: { type: type === 'rsa' ? 'pkcs1' : 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    } as never,
  ).privateKey;

/** A real OpenSSH private key, from the real ssh-keygen. */
function opensshKey(dir: string): string {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', `${dir}/id`]);
  return execFileSync('cat', [`${dir}/id`]).toString();
}

describe('findSecrets', () => {
  it.each([
    ['an RSA key', () => pem('rsa')],
    ['an EC key', () => pem('ec')],
    ['an Ed25519 key', () => pem('ed25519')],
    ['an encrypted key header', () => '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIF'],
  ])('finds %s anywhere in the document', (_name, make) => {
    const key = make();
    expect(findSecrets({ chapters: { x: { notes: [`here: ${key}`] } } })).toEqual({ path: 'chapters.x.notes.0', reason: 'it holds a PEM private key' });
  });

  it.each([
    ['key', randomBytes(32).toString('base64')],
    ['encryptionKey', randomBytes(32).toString('base64')],
    ['client_secret', randomBytes(48).toString('base64url')],
    ['secretKey', ` ${randomBytes(64).toString('base64')}\n`],
    ['KEY', 'a'.repeat(64)],
  ])('finds 32+ bytes of base64 in the field %s', (field, value) => {
    expect(findSecrets({ params: { [field]: value } })?.path).toBe(`params.${field}`);
  });

  it.each([
    ['a key file path', { keyFile: 'pki/admin.key' }],
    ['a short key name', { key: 'ca' }],
    ['31 bytes of base64', { key: randomBytes(31).toString('base64') }],
    ['long base64 in an innocent field', { checksum: randomBytes(64).toString('base64') }],
    ['a fingerprint keyed by a key file path', { 'pki/ca.key': sha256Text('x') }],
    ['a certificate', { cert: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----' }],
    ['a public key', { publicKey: '-----BEGIN PUBLIC KEY-----\nMFkw' }],
  ])('lets %s through', (_name, value) => {
    expect(findSecrets(value)).toBeUndefined();
  });
});

describe('the state store refuses secrets', () => {
  let root: string;
  beforeEach(() => {
    root = tempRoot('kthw-secrets-');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('throws on a private key in step params and on an encryption key in chapter params, writing nothing', async () => {
    const store = await openStore(root);
    await store.update((d) => recordStep(d, 'chapter-4', 'make-ca', { status: 'done', changed: true, params: { key: 'pki/ca.key' } }));
    const before = snapshotDir(store.paths.dir);

    const sshKey = opensshKey(root);
    const keyError = await store
      .update((d) => recordStep(d, 'chapter-4', 'ssh', { status: 'done', changed: true, params: { identity: sshKey } }))
      .catch((e: unknown) => e);
    expect(keyError).toBeInstanceOf(UsageError);
    expect((keyError as UsageError).message).toBe(
      'refusing to write chapters.chapter-4.steps.ssh.params.identity to the state file: it holds a PEM private key',
    );

    const secret = randomBytes(32).toString('base64');
    const encError = (await store.update((d) => setChapterParams(d, 'chapter-6', { encryptionKey: secret })).catch((e: unknown) => e)) as UsageError;
    expect(encError).toBeInstanceOf(UsageError);
    expect(encError.where).toBe(`${store.file}: chapters.chapter-6.params.encryptionKey`);
    expect(encError.fix).toMatch(/record only their path or fingerprint/);
    // The message must not repeat the secret it refuses to store.
    expect(`${encError.message} ${encError.where} ${encError.fix}`).not.toContain(secret);

    expect(snapshotDir(store.paths.dir)).toEqual(before);
  });
});
