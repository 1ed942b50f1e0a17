import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePki } from '../../../src/pki/index.js';
import { generatePki } from '../../support/course-pki.js';
import { clientOnly, expectations, expectedSubjects } from './expectations.js';
import { matchesHost, matchesIp, openssl, publicKeyOfCert, publicKeyOfKey, subjectOf, usagesOf } from './openssl.js';

// Every certificate of every lab, written to disk by writePki and judged by the real openssl CLI.
describe.each(expectations)('PKI of lab $lab.name, checked by openssl', (e) => {
  let dir: string;
  let ids: string[];
  const crt = (id: string) => join(dir, `${id}.crt`);
  const key = (id: string) => join(dir, `${id}.key`);

  beforeAll(async () => {
    const parent = await mkdtemp(join(tmpdir(), 'kthw-pki-'));
    dir = join(parent, 'pki');
    const result = await generatePki(e.lab);
    await writePki(dir, result);
    ids = Object.keys(result);
  });
  afterAll(async () => {
    await rm(join(dir, '..'), { recursive: true, force: true });
  });

  it('issues exactly the expected certificates, each with the exact subject', async () => {
    const expected = expectedSubjects(e);
    expect(ids.sort()).toEqual(Object.keys(expected).sort());
    const actual = Object.fromEntries(await Promise.all(ids.map(async (id) => [id, await subjectOf(crt(id))] as const)));
    expect(actual).toEqual(expected);
  });

  it('every certificate verifies against ca.crt, strictly, for its purpose', async () => {
    const results = await Promise.all(
      ids.map(async (id) => {
        // The CA itself has no TLS purpose; a leaf is checked for the TLS side it plays.
        const purpose = id === 'ca' ? [] : ['-purpose', clientOnly.has(id) ? 'sslclient' : 'sslserver'];
        const { ok, output } = await openssl('verify', '-x509_strict', ...purpose, '-CAfile', crt('ca'), crt(id));
        return `${id}: ${ok && output.trim().endsWith(': OK') ? 'OK' : output}`;
      }),
    );
    expect(results).toEqual(ids.map((id) => `${id}: OK`));
  });

  it('the CA is a CA; the others are not, with the usages their job needs', async () => {
    const actual = Object.fromEntries(await Promise.all(ids.map(async (id) => [id, await usagesOf(crt(id))] as const)));
    expect(actual.ca).toEqual({ basicConstraints: 'CA:TRUE (critical)', keyUsage: 'Certificate Sign, CRL Sign (critical)', extKeyUsage: '' });
    for (const id of ids.filter((i) => i !== 'ca')) {
      expect(actual[id], id).toEqual({
        basicConstraints: 'CA:FALSE',
        keyUsage: 'Digital Signature (critical)',
        extKeyUsage: clientOnly.has(id) ? 'TLS Web Client Authentication' : 'TLS Web Server Authentication, TLS Web Client Authentication',
      });
    }
  });

  it('every private key is the one its certificate carries', async () => {
    for (const id of ids) {
      const [fromCert, fromKey] = await Promise.all([publicKeyOfCert(crt(id)), publicKeyOfKey(key(id))]);
      expect(fromCert, id).toContain('BEGIN PUBLIC KEY');
      expect(fromCert, id).toBe(fromKey);
    }
  });

  it('keys are 0600, certificates 0644, the directory 0700', async () => {
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    for (const id of ids) {
      expect({ id, mode: (await stat(key(id))).mode & 0o777 }).toEqual({ id, mode: 0o600 });
      expect({ id, mode: (await stat(crt(id))).mode & 0o777 }).toEqual({ id, mode: 0o644 });
    }
  });

  it('the API server certificate answers to every name and address clients use', async () => {
    const names = [
      'kubernetes',
      'kubernetes.default',
      'kubernetes.default.svc',
      `kubernetes.default.svc.${e.clusterDomain}`,
      e.apiName,
      ...e.controllers.flatMap((c) => [c.name, c.fqdn]),
    ];
    const ips = ['127.0.0.1', '::1', ...e.firstServiceIps, ...(e.vip ? [e.vip] : []), ...e.controllers.flatMap((c) => c.ips)];
    for (const name of names) expect({ name, match: await matchesHost(crt('kube-api-server'), name) }).toEqual({ name, match: true });
    for (const ip of ips) expect({ ip, match: await matchesIp(crt('kube-api-server'), ip) }).toEqual({ ip, match: true });
  });

  it("the API server certificate names nothing else: not upstream's slipped names, not workers", async () => {
    // the nodes that are not controllers (a controller that is a node is named, as a controller)
    const workers = e.workers.filter((w) => !e.controllers.some((c) => c.name === w.name));
    const wrongNames = ['kubernetes.svc.cluster.local', 'api-server.kubernetes.local', ...workers.map((w) => w.name)];
    const wrongIps = [...e.notServiceIps, ...workers.flatMap((w) => w.ips.filter((ip) => !ip.startsWith('127.') && ip !== '::1'))];
    for (const name of wrongNames) expect({ name, match: await matchesHost(crt('kube-api-server'), name) }).toEqual({ name, match: false });
    for (const ip of wrongIps) expect({ ip, match: await matchesIp(crt('kube-api-server'), ip) }).toEqual({ ip, match: false });
  });

  it('each node certificate answers to its node only', async () => {
    for (const w of e.workers) {
      for (const name of [w.name, w.fqdn]) expect({ name, match: await matchesHost(crt(w.name), name) }).toEqual({ name, match: true });
      for (const ip of w.ips) expect({ ip, match: await matchesIp(crt(w.name), ip) }).toEqual({ ip, match: true });
      for (const other of e.workers.filter((o) => o !== w)) {
        expect({ other: other.name, match: await matchesHost(crt(w.name), other.name) }).toEqual({ other: other.name, match: false });
        expect({ other: other.ips[0], match: await matchesIp(crt(w.name), other.ips[0]!) }).toEqual({ other: other.ips[0], match: false });
      }
    }
  });

  it('each etcd member has a server and a peer certificate for itself only', async () => {
    for (const h of e.etcd) {
      for (const id of [`etcd-server-${h.name}`, `etcd-peer-${h.name}`]) {
        for (const name of [h.name, h.fqdn, 'localhost']) expect({ id, name, match: await matchesHost(crt(id), name) }).toEqual({ id, name, match: true });
        for (const ip of h.ips) expect({ id, ip, match: await matchesIp(crt(id), ip) }).toEqual({ id, ip, match: true });
        for (const other of e.etcd.filter((o) => o !== h)) {
          expect({ id, other: other.ips[0], match: await matchesIp(crt(id), other.ips[0]!) }).toEqual({ id, other: other.ips[0], match: false });
        }
      }
    }
  });
});
