import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFromProfiles, opensslCommands, opensslConfig, writePki } from '../../../src/pki/index.js';
import { courseProfiles } from '../../support/course-pki.js';
import { otherHaLab } from './labs.js';
import { openssl } from './openssl.js';

const run = promisify(execFile);

/** What a certificate says, minus what differs on every issue (serial, dates, keys, key ids). */
async function describeCert(path: string): Promise<string> {
  const { output } = await openssl(
    'x509',
    '-in',
    path,
    '-noout',
    '-subject',
    '-issuer',
    '-nameopt',
    'RFC2253',
    '-ext',
    'basicConstraints,keyUsage,extendedKeyUsage,subjectAltName',
  );
  return output;
}

describe('the openssl commands a learner would type', () => {
  const profiles = courseProfiles(otherHaLab());
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'kthw-openssl-cmds-'));
    await writeFile(join(root, 'kthw.conf'), opensslConfig(profiles));
    for (const profile of profiles) {
      for (const [command, ...args] of opensslCommands(profile, 'kthw.conf')) await run(command!, args, { cwd: root });
    }
    await writePki(join(root, 'in-process'), await generateFromProfiles(profiles));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('produce certificates that say exactly what the in-process ones say', async () => {
    for (const { id } of profiles) {
      const [byHand, inProcess] = await Promise.all([describeCert(join(root, `${id}.crt`)), describeCert(join(root, 'in-process', `${id}.crt`))]);
      expect(byHand, id).toContain('subject=');
      expect(byHand, id).toBe(inProcess);
    }
  });

  it('produce certificates that verify against their CA', async () => {
    const ids = profiles.filter((p) => !p.isCA).map((p) => `${p.id}.crt`);
    const { ok, output } = await openssl('verify', '-x509_strict', '-CAfile', join(root, 'ca.crt'), ...ids.map((f) => join(root, f)));
    expect({ ok, lines: output.trim().split('\n').length }).toEqual({ ok: true, lines: ids.length });
    expect((await stat(join(root, 'kube-api-server.key'))).mode & 0o077).toBe(0);
  });

  it('refuse to write a value openssl would read differently', () => {
    const [admin] = profiles.filter((p) => p.id === 'admin');
    expect(() => opensslConfig([{ ...admin!, subject: [{ name: 'CN', value: 'x$HOME' }] }])).toThrow(/cannot be written/);
  });
});
