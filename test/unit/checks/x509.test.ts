import { beforeAll, describe, expect, it } from 'vitest';
import { localExecutor } from '../../../src/checks-runner/index.js';
import { x509Check } from '../../../checks/index.js';
import { parseFacts } from '../../../checks/facts.js';
import { runOne, tempDir } from './helpers.js';
import { makePki, type Pki } from './pki-fixture.js';

const dir = tempDir('x509-check');
let pki: Pki;
beforeAll(() => {
  pki = makePki(dir);
});

const serverExpectations = () => ({
  path: pki.path('server.crt'),
  cn: 'kubernetes',
  o: 'Kubernetes',
  dnsSans: ['localhost', 'server.kubernetes.local'],
  // Spelled differently from the certificate's encoding on purpose: addresses compare as addresses.
  ipSans: ['127.0.0.1', '0:0:0:0:0:0:0:1', 'FD00:4:0:0::4'],
  exactSans: true,
  caPem: pki.pem('ca.crt'),
  keyUsage: ['digitalSignature', 'keyEncipherment'],
  extKeyUsage: ['serverAuth', 'clientAuth'],
  isCa: false,
  keyPath: pki.path('server.key'),
});

describe('x509 check against openssl-made certificates', () => {
  it('passes for the right certificate, CA given as PEM', async () => {
    const result = await runOne('x509', serverExpectations());
    expect(result.diagnosis).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.observed).toMatch(/^CN=kubernetes, O=Kubernetes; issuer CN=kthw-test-ca; valid until /);
    expect(result.warning).toBeUndefined();
  });

  it('passes with the CA read from a path on the host', async () => {
    const { caPem: _, ...rest } = serverExpectations();
    expect((await runOne('x509', { ...rest, caPath: pki.path('ca.crt') })).ok).toBe(true);
  });

  it('fails for a missing certificate file', async () => {
    const result = await runOne('x509', { path: pki.path('nope.crt') });
    expect(result.ok).toBe(false);
    expect(result.diagnosis?.found).toMatch(/cannot read the certificate: .*No such file or directory/);
  });

  it('fails for a file that is not a certificate', async () => {
    const result = await runOne('x509', { path: pki.path('server.ext') });
    expect(result.diagnosis?.found).toMatch(/^not a PEM certificate/);
  });

  it('names each missing SAN (a cert made without the VIP and the DNS name)', async () => {
    const result = await runOne('x509', { ...serverExpectations(), path: pki.path('wrong-san.crt'), keyPath: pki.path('wrong-san.key') });
    expect(result.ok).toBe(false);
    expect(result.diagnosis?.found).toBe(
      'SAN DNS server.kubernetes.local missing; SAN IP ::1, fd00:4::4 missing; (the certificate has DNS localhost, IP 127.0.0.1)',
    );
  });

  it('with exactSans, names SANs that should not be there', async () => {
    const result = await runOne('x509', { path: pki.path('server.crt'), dnsSans: ['localhost'], ipSans: ['127.0.0.1'], exactSans: true });
    expect(result.diagnosis?.found).toBe(
      'unexpected SANs DNS server.kubernetes.local, IP ::1, IP fd00:4::4; (the certificate has DNS localhost, DNS server.kubernetes.local, IP 127.0.0.1, IP ::1, IP fd00:4::4)',
    );
  });

  it('fails for a wrong CN and a wrong O', async () => {
    const result = await runOne('x509', { path: pki.path('node-0.crt'), cn: 'system:node:node-1', o: ['system:masters'] });
    expect(result.diagnosis?.found).toBe(
      'subject CN is "system:node:node-0", expected "system:node:node-1"; subject O is "system:nodes", expected "system:masters"',
    );
  });

  it('fails for a certificate signed by another CA', async () => {
    const result = await runOne('x509', { ...serverExpectations(), path: pki.path('by-other-ca.crt'), keyPath: pki.path('by-other-ca.key') });
    expect(result.ok).toBe(false);
    expect(result.diagnosis?.found).toBe('issued by CN=someone-else-ca, not by the CA CN=kthw-test-ca');
  });

  it('fails for a certificate signed by an impostor CA with the same name (signature check)', async () => {
    const result = await runOne('x509', { ...serverExpectations(), path: pki.path('by-impostor.crt'), keyPath: pki.path('by-impostor.key') });
    expect(result.diagnosis?.found).toMatch(/^names the CA CN=kthw-test-ca as issuer but its signature does not verify/);
  });

  it('fails when the private key does not match the certificate', async () => {
    const result = await runOne('x509', { ...serverExpectations(), keyPath: pki.path('admin.key') });
    expect(result.diagnosis?.found).toBe(`the private key ${pki.path('admin.key')} does not match the certificate's public key`);
  });

  it('fails when the private key cannot be read', async () => {
    const result = await runOne('x509', { ...serverExpectations(), keyPath: pki.path('missing.key') });
    expect(result.diagnosis?.found).toMatch(/^cannot read the private key .*missing\.key: /);
  });

  it('never brings private key material back from the host', async () => {
    const params = x509Check.parse(serverExpectations());
    const gathered = await localExecutor.exec('local', x509Check.gather(params));
    const facts = [...parseFacts(gathered.stdout).values()].map((f) => f.stdout + f.stderr).join('\n');
    expect(facts).toContain('-----BEGIN PUBLIC KEY-----');
    expect(facts).not.toMatch(/PRIVATE KEY/);
    expect(gathered.stdout).not.toMatch(/PRIVATE KEY/);
  });

  it('fails for missing key usages and extended key usages', async () => {
    const result = await runOne('x509', { path: pki.path('admin.crt'), keyUsage: ['keyCertSign'], extKeyUsage: ['serverAuth'] });
    expect(result.diagnosis?.found).toBe(
      'key usage lacks keyCertSign (has digitalSignature, keyEncipherment); extended key usage lacks serverAuth (has clientAuth)',
    );
  });

  it('tells a CA certificate from a leaf', async () => {
    expect((await runOne('x509', { path: pki.path('ca.crt'), isCa: true })).ok).toBe(true);
    expect((await runOne('x509', { path: pki.path('server.crt'), isCa: true })).diagnosis?.found).toBe(
      'is not a CA certificate (basicConstraints CA:TRUE missing)',
    );
  });

  it('fails for an expired certificate', async () => {
    const result = await runOne('x509', { path: pki.path('expired.crt'), caPem: pki.pem('ca.crt') });
    expect(result.diagnosis?.found).toBe('expired on 2020-02-01T00:00:00.000Z');
  });

  it('fails for a certificate not valid yet', async () => {
    const result = await runOne('x509', { path: pki.path('future.crt') });
    expect(result.diagnosis?.found).toBe('not valid before 2099-01-01T00:00:00.000Z (clock or certificate dates wrong)');
  });

  it('passes with a warning when the certificate expires soon', async () => {
    const result = await runOne('x509', { path: pki.path('short-lived.crt') });
    expect(result.ok).toBe(true);
    expect(result.warning).toMatch(/^expires in [45] days/);
    expect((await runOne('x509', { path: pki.path('short-lived.crt'), warnDays: 2 })).warning).toBeUndefined();
  });

  it('judges validity at a given instant', async () => {
    expect((await runOne('x509', { path: pki.path('expired.crt'), now: '2020-01-15T00:00:00Z', warnDays: 0 })).ok).toBe(true);
    expect((await runOne('x509', { path: pki.path('server.crt'), now: '2030-01-01T00:00:00Z' })).diagnosis?.found).toMatch(/^expired on /);
  });

  it('fails when the CA path cannot be read', async () => {
    const result = await runOne('x509', { path: pki.path('server.crt'), caPath: pki.path('no-ca.crt') });
    expect(result.diagnosis?.found).toMatch(/^cannot read the CA certificate .*no-ca\.crt: .*No such file/);
  });

  it('rejects malformed params', async () => {
    await expect(runOne('x509', { path: '/x', ipSans: ['10.0.0.300'] })).rejects.toThrow(/param "ipSans" must be a list of IPv4\/IPv6 addresses/);
    await expect(runOne('x509', { path: '/x', caPem: 'not a pem' })).rejects.toThrow(/param "caPem"/);
    await expect(runOne('x509', { path: '/x', now: 'yesterday' })).rejects.toThrow(/param "now"/);
  });
});
