/**
 * The PKI generator of a lab directory that already holds a PKI: certificates that still serve the
 * lab are kept byte for byte; the ones a changed lab file no longer fits are issued again under the
 * same CA, and the learner is told which and why. Real node:crypto certificates, read back by openssl.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chapters } from '../../../chapters/index.js';
import { builtinGenerators } from '../../../src/engine/builtin-generators.js';
import type { Lab } from '../../../src/lab/types.js';
import { certificateMismatch } from '../../../src/pki/index.js';
import { courseProfiles, generatePki } from '../../support/course-pki.js';
import { shippedLab } from './labs.js';

let labDir: string;
beforeEach(async () => {
  labDir = await mkdtemp(join(tmpdir(), 'kthw-stale-'));
});
afterEach(() => rm(labDir, { recursive: true, force: true }));

const ids = (lab: Lab) => courseProfiles(lab).map((p) => p.id);
const read = (id: string) => readFile(join(labDir, 'pki', `${id}.crt`), 'utf8');

async function generate(lab: Lab): Promise<{ changed: boolean; notes: string[] }> {
  const notes: string[] = [];
  const changed = await builtinGenerators(chapters).pki(ids(lab), { lab, labDir, note: (m) => void notes.push(m) });
  return { changed, notes };
}

/** The classic lab with node-1 moved to another address. */
async function movedNode(): Promise<Lab> {
  const lab = await shippedLab('classic');
  return { ...lab, hosts: lab.hosts.map((h) => (h.name === 'node-1' ? { ...h, addresses: { ...h.addresses, ipv4: '10.240.0.99' } } : h)) };
}

describe('the PKI generator with an existing PKI', () => {
  it('changes nothing when every certificate still fits the lab', async () => {
    const lab = await shippedLab('classic');
    expect((await generate(lab)).changed).toBe(true);
    const before = await Promise.all(ids(lab).map(read));
    expect(await generate(lab)).toEqual({ changed: false, notes: [] });
    expect(await Promise.all(ids(lab).map(read))).toEqual(before);
  });

  it('issues again, under the same CA, only the certificate whose host moved, and says why', async () => {
    const lab = await shippedLab('classic');
    await generate(lab);
    const before = Object.fromEntries(await Promise.all(ids(lab).map(async (id) => [id, await read(id)] as const)));
    const moved = await movedNode();
    const { changed, notes } = await generate(moved);
    expect(changed).toBe(true);
    expect(notes).toEqual([
      expect.stringMatching(
        /^pki\/node-1\.crt is issued again: its names differ from the lab's now \(missing 10\.240\.0\.99; no longer wanted 10\.240\.0\.21\)/,
      ),
    ]);
    for (const id of ids(lab)) {
      if (id === 'node-1') expect(await read(id)).not.toBe(before[id]);
      else expect(await read(id), id).toBe(before[id]);
    }
    const text = execFileSync('openssl', ['x509', '-in', join(labDir, 'pki', 'node-1.crt'), '-noout', '-ext', 'subjectAltName'], { encoding: 'utf8' });
    expect(text).toContain('IP Address:10.240.0.99');
    execFileSync('openssl', ['verify', '-CAfile', join(labDir, 'pki', 'ca.crt'), join(labDir, 'pki', 'node-1.crt')]);
  });

  it('issues again a certificate signed by another CA, and one that cannot be read', async () => {
    const lab = await shippedLab('classic');
    await generate(lab);
    const foreign = await generatePki(lab);
    await writeFile(join(labDir, 'pki', 'admin.crt'), foreign.admin!.certPem);
    await writeFile(join(labDir, 'pki', 'kube-proxy.crt'), 'not a certificate\n');
    const { notes } = await generate(lab);
    expect(notes.sort()).toEqual([
      "pki/admin.crt is issued again: it was not signed by the lab's CA (pki/ca.crt)\n",
      expect.stringMatching(/^pki\/kube-proxy\.crt is issued again: it cannot be read/),
    ]);
    for (const id of ['admin', 'kube-proxy']) execFileSync('openssl', ['verify', '-CAfile', join(labDir, 'pki', 'ca.crt'), join(labDir, 'pki', `${id}.crt`)]);
  });

  it('judges subject, key type and expiry too', async () => {
    const lab = await shippedLab('classic');
    const pki = await generatePki(lab);
    const profiles = courseProfiles(lab);
    const admin = profiles.find((p) => p.id === 'admin')!;
    expect(certificateMismatch(admin, pki.admin!.certPem, pki.ca!.certPem)).toBeUndefined();
    expect(certificateMismatch({ ...admin, subject: [{ name: 'CN', value: 'root' }] }, pki.admin!.certPem, pki.ca!.certPem)).toMatch(
      /^its subject is .*CN=admin.*, the lab now wants CN=root$/,
    );
    expect(certificateMismatch({ ...admin, keyAlgorithm: { type: 'rsa', bits: 2048 } }, pki.admin!.certPem, pki.ca!.certPem)).toBe(
      'its key is ec, the lab now wants rsa',
    );
    expect(certificateMismatch(admin, pki.admin!.certPem, pki.ca!.certPem, new Date(Date.now() + 3660 * 24 * 3600 * 1000))).toMatch(/^it expires /);
  });
});
