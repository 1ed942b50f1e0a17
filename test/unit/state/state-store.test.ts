import { readFileSync, readdirSync, rmSync, statSync, writeFileSync, copyFileSync, appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnvironmentError, UsageError } from '../../../src/util/errors.js';
import { StateStore, forgetChapter, labStateSchema, recordChecks, recordStep, setChapterParams, sha256Text, stepStatus } from '../../../src/state/index.js';
import { classicLabFile, openStore, snapshotDir, tempRoot } from './helpers.js';

let root: string;
beforeEach(() => {
  root = tempRoot('kthw-store-');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('StateStore', () => {
  it('has nothing to read before the first update', async () => {
    const store = await openStore(root);
    expect(await store.read()).toBeUndefined();
    expect((await store.readOrEmpty()).chapters).toEqual({});
    expect(existsSync(store.file)).toBe(false);
  });

  it('records steps, checks and params as the engine goes, in a 0600 file', async () => {
    const store = await openStore(root);
    const ca = sha256Text('ca certificate');
    await store.update((d) =>
      recordStep(
        d,
        'chapter-4',
        'make-ca',
        { status: 'done', changed: true, params: { key: 'pki/ca.key' }, artifacts: { 'pki/ca.crt': ca } },
        new Date('2025-03-01T12:00:00Z'),
      ),
    );
    await store.update((d) => recordStep(d, 'chapter-4', 'admin-cert', { status: 'failed', changed: false, message: 'openssl exited 1' }));
    await store.update((d) => setChapterParams(d, 'chapter-6', { encryptionConfig: 'secrets/encryption-config.yaml', keyBytes: 32 }));
    await store.update((d) =>
      recordChecks(d, 'chapter-4', [
        { id: 'ca-cert', host: 'local', ok: true, message: 'CA valid for 10 years' },
        {
          id: 'admin-cert',
          host: 'local',
          ok: false,
          message: 'missing',
          diagnosis: { found: 'no file', where: 'local:pki/admin.crt', fix: 'run the step again' },
        },
      ]),
    );

    const state = await store.read();
    expect(state?.chapters['chapter-4']?.steps['make-ca']).toEqual({
      status: 'done',
      at: '2025-03-01T12:00:00.000Z',
      changed: true,
      params: { key: 'pki/ca.key' },
      artifacts: { 'pki/ca.crt': ca },
    });
    expect(stepStatus(state, 'chapter-4', 'admin-cert')).toBe('failed');
    expect(state?.chapters['chapter-4']?.steps['admin-cert']?.message).toBe('openssl exited 1');
    expect(state?.chapters['chapter-4']?.checks.map((c) => [c.id, c.ok])).toEqual([
      ['ca-cert', true],
      ['admin-cert', false],
    ]);
    expect(state?.chapters['chapter-6']?.params).toEqual({ encryptionConfig: 'secrets/encryption-config.yaml', keyBytes: 32 });
    expect(labStateSchema.parse(JSON.parse(readFileSync(store.file, 'utf8')))).toEqual(state);
    expect(statSync(store.file).mode & 0o777).toBe(0o600);

    await store.update((d) => forgetChapter(d, 'chapter-4'));
    expect(Object.keys((await store.read())?.chapters ?? {})).toEqual(['chapter-6']);
  });

  it('records the lab file and notices when it changes', async () => {
    const labFile = join(root, 'my-lab.yaml');
    copyFileSync(classicLabFile, labFile);
    const store = await StateStore.open({ labName: 'classic', labFile, root });
    const state = await store.update(() => undefined);
    expect(state.lab).toEqual({ name: 'classic', file: labFile, sha256: sha256Text(readFileSync(classicLabFile)) });
    expect(store.labFileChanged(state)).toBe(false);

    appendFileSync(labFile, '# edited\n');
    const reopened = await StateStore.open({ labName: 'classic', labFile, root });
    expect(reopened.labFileChanged((await reopened.read())!)).toBe(true);
  });

  it('writes nothing when the mutator throws or produces an invalid state, and releases the lock', async () => {
    const store = await openStore(root);
    await store.update((d) => recordStep(d, 'chapter-1', 'one', { status: 'done', changed: true }));
    const before = snapshotDir(store.paths.dir);

    await expect(
      store.update(() => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(store.update((d) => recordStep(d, 'chapter-1', 'Bad Step', { status: 'done', changed: true }))).rejects.toThrow(
      /"Bad Step" is not a valid step id/,
    );
    await expect(store.update((d) => recordStep(d, '__proto__', 'x', { status: 'done', changed: true }))).rejects.toThrow(UsageError);
    const invalid = store.update((d) => {
      (d.chapters['chapter-1']!.steps['one'] as { status: string }).status = 'half-done';
    });
    await expect(invalid).rejects.toThrow(/refusing to write an invalid state: chapters\.chapter-1\.steps\.one\.status/);

    expect(snapshotDir(store.paths.dir)).toEqual(before);
    expect(existsSync(store.paths.lockFile)).toBe(false);
  });

  it('refuses a state file that belongs to another lab', async () => {
    const store = await openStore(root);
    await store.update(() => undefined);
    const state = JSON.parse(readFileSync(store.file, 'utf8')) as { lab: { name: string } };
    state.lab.name = 'ipv6-ha';
    writeFileSync(store.file, JSON.stringify(state));
    await expect(store.update(() => undefined)).rejects.toThrow(/belongs to lab "ipv6-ha", not "classic"/);
  });

  it('clears the temp files of a writer that died mid-write', async () => {
    const store = await openStore(root);
    writeFileSync(join(store.paths.dir, '.state.json.999999.abcdef.tmp'), '{"half":');
    writeFileSync(join(store.paths.dir, '.unrelated.tmp'), 'kept');
    await store.update(() => undefined);
    expect(readdirSync(store.paths.dir).sort()).toEqual(['.unrelated.tmp', 'generated', 'pki', 'ssh', 'state.json']);
  });

  it('says which lab file it cannot read', async () => {
    await expect(StateStore.open({ labName: 'classic', labFile: join(root, 'missing.yaml'), root })).rejects.toThrow(EnvironmentError);
    await expect(StateStore.open({ labName: 'classic', labFile: join(root, 'missing.yaml'), root })).rejects.toThrow(
      `cannot read the lab file ${join(root, 'missing.yaml')} (ENOENT)`,
    );
  });
});
