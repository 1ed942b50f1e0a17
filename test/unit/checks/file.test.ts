import { createHash } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runOne, tempDir } from './helpers.js';

const dir = tempDir('file-check');
const content = 'apiVersion: v1\nkind: Config\nserver: https://server.kubernetes.local:6443\n';
const key = join(dir, 'kube-api-server.key');
writeFileSync(key, content, { mode: 0o600 });
chmodSync(key, 0o600);
const me = userInfo().username;
const myGroup = execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim();
const sha256 = createHash('sha256').update(content).digest('hex');

describe('file check against real files', () => {
  it('passes when every expectation holds', async () => {
    const result = await runOne('file', { path: key, mode: '0600', owner: me, group: myGroup, sha256, contains: 'kind: Config', matches: '^server: https://' });
    expect(result.ok).toBe(true);
    expect(result.observed).toBe(`regular file, mode 0600, owner ${me}:${myGroup}`);
    expect(result.diagnosis).toBeUndefined();
  });

  it('fails for a missing file, naming host and path, with the spec why and fix', async () => {
    const result = await runOne('file', { path: join(dir, 'absent.key') });
    expect(result.ok).toBe(false);
    expect(result.diagnosis).toMatchObject({ where: `local:${join(dir, 'absent.key')}`, why: 'why it matters', fix: 'how to fix it' });
    expect(result.diagnosis?.found).toMatch(/cannot stat the file: .*No such file or directory/);
  });

  it('fails for a key readable by everyone (mode 0644)', async () => {
    const loose = join(dir, 'loose.key');
    writeFileSync(loose, content);
    chmodSync(loose, 0o644);
    const result = await runOne('file', { path: loose, mode: '0600' });
    expect(result.ok).toBe(false);
    expect(result.diagnosis?.found).toBe('mode is 0644, expected 0600');
  });

  it('fails for a wrong owner and group (a real chown to nobody:nogroup)', async () => {
    const foreign = join(dir, 'foreign.key');
    writeFileSync(foreign, content, { mode: 0o600 });
    const uid = Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('getent', ['group', 'nogroup'], { encoding: 'utf8' }).split(':')[2]);
    chownSync(foreign, uid, gid);
    const result = await runOne('file', { path: foreign, owner: me, group: myGroup });
    expect(result.ok).toBe(false);
    expect(result.diagnosis?.found).toBe(`owner is nobody, expected ${me}; group is nogroup, expected ${myGroup}`);
    // Numeric ids are accepted too.
    expect((await runOne('file', { path: foreign, owner: String(uid), group: String(gid) })).ok).toBe(true);
  });

  it('fails when the content hash differs, showing both digests', async () => {
    const other = 'f'.repeat(64);
    const result = await runOne('file', { path: key, sha256: other });
    expect(result.ok).toBe(false);
    expect(result.diagnosis?.found).toBe(`content sha256 is ${sha256}, expected ${other}`);
  });

  it('fails when the content lacks a substring or does not match a pattern', async () => {
    const result = await runOne('file', { path: key, contains: 'kind: Pod', matches: '^server: http://' });
    expect(result.ok).toBe(false);
    expect(result.diagnosis?.found).toBe('content does not contain "kind: Pod"; content does not match /^server: http:\\/\\//');
  });

  it('fails for a directory where a file is expected', async () => {
    mkdirSync(join(dir, 'a-dir'));
    const result = await runOne('file', { path: join(dir, 'a-dir') });
    expect(result.ok).toBe(false);
    expect(result.diagnosis?.found).toBe('expected a regular file, found a directory');
  });

  it('checks a directory and its mode with type: directory (etcd data dir 0700)', async () => {
    const data = join(dir, 'etcd-data');
    mkdirSync(data, { mode: 0o700 });
    chmodSync(data, 0o700);
    const result = await runOne('file', { path: data, type: 'directory', mode: '0700' });
    expect(result.ok).toBe(true);
    expect(result.observed).toMatch(/^directory, mode 0700/);
    chmodSync(data, 0o755);
    expect((await runOne('file', { path: data, type: 'directory', mode: '0700' })).diagnosis?.found).toBe('mode is 0755, expected 0700');
    expect((await runOne('file', { path: key, type: 'directory' })).diagnosis?.found).toBe('expected a directory, found a regular file');
  });

  it('follows a symlink to judge the file it points to', async () => {
    symlinkSync(key, join(dir, 'link.key'));
    expect((await runOne('file', { path: join(dir, 'link.key'), mode: '0600' })).ok).toBe(true);
  });

  it('rejects malformed params before running anything', async () => {
    await expect(runOne('file', { path: key, mode: 'rw-------' })).rejects.toThrow(
      /check "file-check" \(file\) on local: check "file": param "mode" must be an octal mode/,
    );
    await expect(runOne('file', { mode: '0600' })).rejects.toThrow(/param "path" must be a non-empty string/);
    await expect(runOne('file', { path: key, sha256: 'abc' })).rejects.toThrow(/param "sha256"/);
    await expect(runOne('file', { path: dir, type: 'directory', contains: 'x' })).rejects.toThrow(
      /param "type" must be "file" when sha256, contains or matches are given/,
    );
  });
});
