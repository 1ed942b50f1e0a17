import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCa, writePki, type PkiResult } from '../../../src/pki/index.js';
import { generatePki } from '../../support/course-pki.js';
import { UsageError } from '../../../src/util/errors.js';
import { otherClassicLab, shippedLab } from './labs.js';
import { openssl, usagesOf } from './openssl.js';

describe('keeping a CA across regenerations', () => {
  let dir: string;
  let first: PkiResult;
  const file = (name: string) => join(dir, name);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kthw-ca-'));
    first = await generatePki(await shippedLab('classic'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('re-issues every other certificate under the same CA, which stays byte for byte', async () => {
    await writePki(join(dir, 'one'), first);
    const existingCa = await readCa(join(dir, 'one'));
    expect(existingCa).toEqual(first.ca);
    const second = await generatePki(await shippedLab('classic'), { existingCa });
    expect(second.ca).toEqual(first.ca);
    expect(second['node-0']!.keyPem).not.toBe(first['node-0']!.keyPem);
    await writePki(join(dir, 'two'), second);
    const { ok, output } = await openssl('verify', '-x509_strict', '-CAfile', file('one/ca.crt'), file('two/node-0.crt'), file('two/kube-api-server.crt'));
    expect({ ok, output }).toEqual({ ok: true, output: expect.stringMatching(/node-0\.crt: OK\n.*kube-api-server\.crt: OK/) as unknown });
  });

  it('a certificate from another CA does not verify against this one', async () => {
    const stranger = await generatePki(otherClassicLab());
    await writeFile(file('stranger-admin.crt'), stranger.admin!.certPem);
    await writePki(join(dir, 'mine'), first);
    const { ok, output } = await openssl('verify', '-CAfile', file('mine/ca.crt'), file('stranger-admin.crt'));
    expect(ok).toBe(false);
    expect(output).toContain('unable to get local issuer certificate');
  });

  it("signs with an RSA CA made elsewhere (upstream's openssl genrsa + req -x509), pointing at its key id", async () => {
    const conf = file('rsa-ca.conf');
    await writeFile(
      conf,
      [
        '[req]',
        'distinguished_name = dn',
        'prompt = no',
        'x509_extensions = ext',
        '[dn]',
        'CN = Someone Else CA',
        '[ext]',
        'basicConstraints = critical, CA:TRUE',
        'keyUsage = keyCertSign, cRLSign',
        'subjectKeyIdentifier = hash',
        '',
      ].join('\n'),
    );
    expect((await openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', file('rsa-ca.key'))).ok).toBe(true);
    expect((await openssl('req', '-x509', '-new', '-key', file('rsa-ca.key'), '-days', '30', '-config', conf, '-out', file('rsa-ca.crt'))).ok).toBe(true);
    const ca = { certPem: await readFile(file('rsa-ca.crt'), 'utf8'), keyPem: await readFile(file('rsa-ca.key'), 'utf8') };
    const result = await generatePki(otherClassicLab(), { existingCa: ca });
    await writePki(join(dir, 'rsa'), result);
    const verified = await openssl('verify', '-x509_strict', '-CAfile', file('rsa-ca.crt'), file('rsa/kube-api-server.crt'), file('rsa/w-gamma.crt'));
    expect(verified).toEqual({ ok: true, output: expect.stringContaining('w-gamma.crt: OK') as unknown });
    const text = (await openssl('x509', '-in', file('rsa/w-gamma.crt'), '-noout', '-text')).output;
    expect(text).toContain('Signature Algorithm: sha256WithRSAEncryption');
    expect(text).toContain('Issuer: CN = Someone Else CA');
    const caKeyId = /Subject Key Identifier:\s*\n\s*(\S+)/.exec((await openssl('x509', '-in', file('rsa-ca.crt'), '-noout', '-text')).output)![1];
    expect(text).toMatch(new RegExp(`Authority Key Identifier:\\s*\\n\\s*(keyid:)?${caKeyId}`));
  });

  it('issues RSA keys when asked, with keyEncipherment as RSA TLS allows', async () => {
    const result = await generatePki(await shippedLab('classic'), {
      keyAlgorithms: { ca: { type: 'rsa', bits: 2048 }, admin: { type: 'rsa', bits: 2048 } },
    });
    await writePki(join(dir, 'rsa-leaf'), result);
    expect((await openssl('verify', '-x509_strict', '-CAfile', file('rsa-leaf/ca.crt'), file('rsa-leaf/admin.crt'), file('rsa-leaf/node-1.crt'))).ok).toBe(
      true,
    );
    expect((await usagesOf(file('rsa-leaf/admin.crt'))).keyUsage).toBe('Digital Signature, Key Encipherment (critical)');
    expect((await openssl('pkey', '-in', file('rsa-leaf/admin.key'), '-noout', '-text')).output).toContain('Private-Key: (2048 bit');
  });
});

describe('refusing a CA that cannot sign', () => {
  let pki: PkiResult;
  let other: PkiResult;
  beforeAll(async () => {
    [pki, other] = await Promise.all([generatePki(await shippedLab('classic')), generatePki(await shippedLab('classic'))]);
  });

  const attempt = async (existingCa: { certPem: string; keyPem: string }) =>
    generatePki(await shippedLab('classic'), { existingCa, existingCaSource: '/tmp/pki/ca.crt' }).then(
      () => undefined,
      (error: unknown) => error,
    );

  it('a key that belongs to another CA', async () => {
    const error = await attempt({ certPem: pki.ca!.certPem, keyPem: other.ca!.keyPem });
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({ message: 'the CA key does not belong to the CA certificate', where: '/tmp/pki/ca.crt' });
  });

  it('a leaf certificate in place of the CA', async () => {
    const error = await attempt(pki.admin!);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toContain('is not a CA certificate');
  });

  it('text that is not PEM', async () => {
    expect(await attempt({ certPem: 'hello', keyPem: pki.ca!.keyPem })).toMatchObject({ message: expect.stringContaining('not a PEM X.509') as unknown });
    expect(await attempt({ certPem: pki.ca!.certPem, keyPem: 'hello' })).toMatchObject({ message: expect.stringContaining('not a readable') as unknown });
  });

  it('an expired CA', async () => {
    const old = await generatePki(await shippedLab('classic'), { validityDays: 1, now: new Date(Date.now() - 3 * 86_400_000) });
    const error = await attempt(old.ca!);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toContain('expired');
  });
});
