import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordStep, sha256File, stateV1Schema, type StateV1 } from '../../../src/state/index.js';
import { classicLabFile, openStore, tempRoot } from './helpers.js';

let root: string;
beforeEach(() => {
  root = tempRoot('kthw-migrate-');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A state file as version 1 of kthw wrote it: done steps only, as "chapter/step" strings. */
const v1: StateV1 = {
  version: 1,
  lab: 'classic',
  labFile: '/home/learner/kthw/lab/classic.yaml',
  steps: ['chapter-2/download-binaries', 'chapter-4/make-ca', 'chapter-4/admin-cert'],
  updatedAt: '2024-11-02T10:20:30.000Z',
};

describe('migration from version 1', () => {
  it('the fixture is a real version 1 file', () => {
    expect(stateV1Schema.parse(v1)).toEqual(v1);
  });

  it('reads a version 1 file as version 2 without writing anything', async () => {
    const store = await openStore(root);
    const text = JSON.stringify(v1, null, 2);
    writeFileSync(store.file, text);
    const state = await store.read();
    expect(state).toEqual({
      version: 2,
      lab: { name: 'classic', file: v1.labFile, sha256: null },
      createdAt: v1.updatedAt,
      updatedAt: v1.updatedAt,
      chapters: {
        'chapter-2': {
          steps: { 'download-binaries': { status: 'done', at: v1.updatedAt, changed: false, params: {}, artifacts: {} } },
          checks: [],
          params: {},
        },
        'chapter-4': {
          steps: {
            'make-ca': { status: 'done', at: v1.updatedAt, changed: false, params: {}, artifacts: {} },
            'admin-cert': { status: 'done', at: v1.updatedAt, changed: false, params: {}, artifacts: {} },
          },
          checks: [],
          params: {},
        },
      },
    });
    expect(readFileSync(store.file, 'utf8')).toBe(text);
  });

  it('the first update writes version 2 and keeps the version 1 file once, byte for byte', async () => {
    const store = await openStore(root);
    const text = JSON.stringify(v1);
    writeFileSync(store.file, text);

    const state = await store.update((d) => recordStep(d, 'chapter-4', 'kubelet-certs', { status: 'failed', changed: false, message: 'openssl failed' }));
    const onDisk = JSON.parse(readFileSync(store.file, 'utf8')) as typeof state;
    expect(onDisk).toEqual(state);
    expect(onDisk.version).toBe(2);
    expect(onDisk.lab).toEqual({ name: 'classic', file: classicLabFile, sha256: await sha256File(classicLabFile) });
    expect(Object.keys(onDisk.chapters['chapter-4']?.steps ?? {})).toEqual(['make-ca', 'admin-cert', 'kubelet-certs']);
    const backup = `${store.file}.v1.bak`;
    expect(readFileSync(backup, 'utf8')).toBe(text);
    expect(statSync(backup).mode & 0o777).toBe(0o600);

    await store.update((d) => recordStep(d, 'chapter-4', 'kubelet-certs', { status: 'done', changed: true }));
    expect(readFileSync(backup, 'utf8')).toBe(text);
  });
});
