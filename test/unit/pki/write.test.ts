import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCa, writePki, type PkiResult } from '../../../src/pki/index.js';
import { generatePki } from '../../support/course-pki.js';
import { UsageError } from '../../../src/util/errors.js';
import { shippedLab } from './labs.js';

describe('writePki and readCa', () => {
  let root: string;
  let pki: PkiResult;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'kthw-write-'));
    pki = await generatePki(await shippedLab('classic'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes <id>.crt and <id>.key for each entry and nothing else', async () => {
    const dir = join(root, 'plain', 'nested');
    await writePki(dir, pki);
    const expected = Object.keys(pki)
      .flatMap((id) => [`${id}.crt`, `${id}.key`])
      .sort();
    expect((await readdir(dir)).sort()).toEqual(expected);
    expect(await readFile(join(dir, 'node-1.key'), 'utf8')).toBe(pki['node-1']!.keyPem);
    expect(pki['node-1']!.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(pki['node-1']!.certPem).toMatch(/^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n$/);
  });

  it('replaces an older key that had a loose mode with a 0600 one, whatever the umask', async () => {
    const dir = join(root, 'loose-key');
    await mkdir(dir, { mode: 0o700 });
    await writeFile(join(dir, 'admin.key'), 'old', { mode: 0o644 });
    await chmod(join(dir, 'admin.key'), 0o644);
    const umask = process.umask(0o077);
    try {
      await writePki(dir, pki);
    } finally {
      process.umask(umask);
    }
    expect((await stat(join(dir, 'admin.key'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'admin.crt'))).mode & 0o777).toBe(0o644);
    expect(await readFile(join(dir, 'admin.key'), 'utf8')).toBe(pki.admin!.keyPem);
  });

  it('refuses a directory other users can enter, and writes nothing into it', async () => {
    const dir = join(root, 'open');
    await mkdir(dir);
    await chmod(dir, 0o755);
    const error = await writePki(dir, pki).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({ where: dir, fix: expect.stringContaining(`chmod 700 ${dir}`) as unknown });
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses an id that is not a plain file name', async () => {
    const dir = join(root, 'hostile');
    const error = await writePki(dir, { ...pki, '../escape': pki.admin! }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toContain('"../escape"');
    await expect(stat(join(root, 'escape.key'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('readCa gives back the CA pair, nothing when there is none, and an error when half is missing', async () => {
    const dir = join(root, 'ca-read');
    expect(await readCa(dir)).toBeUndefined();
    await writePki(dir, { ca: pki.ca! });
    expect(await readCa(dir)).toEqual(pki.ca);
    await rm(join(dir, 'ca.key'));
    const error = await readCa(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toContain('ca.key is missing');
  });
});
