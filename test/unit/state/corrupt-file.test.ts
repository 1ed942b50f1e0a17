/** A damaged state file is reported by name, with what is wrong and how to fix it, and left byte for byte. */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError, formatError } from '../../../src/util/errors.js';
import { labDir, recordStep, type LabState } from '../../../src/state/index.js';
import { openStore, snapshotDir, tempRoot } from './helpers.js';

let root: string;
beforeEach(() => {
  root = tempRoot('kthw-corrupt-');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const valid: LabState = {
  version: 2,
  lab: { name: 'classic', file: '/labs/classic.yaml', sha256: null },
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
  chapters: {},
};
const withStep = (status: string) =>
  JSON.stringify({
    ...valid,
    chapters: { 'chapter-4': { steps: { 'make-ca': { status, at: valid.createdAt, changed: true, params: {}, artifacts: {} } }, checks: [], params: {} } },
  });

const cases: Array<[string, string | Buffer, RegExp]> = [
  ['an empty file', '', /is not valid JSON/],
  ['a truncated file', JSON.stringify(valid).slice(0, 40), /is not valid JSON/],
  ['binary garbage', Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x7b]), /is not valid JSON/],
  ['a JSON array', '[]', /no integer "version" field/],
  ['a string version', JSON.stringify({ ...valid, version: '2' }), /no integer "version" field/],
  ['a future version', JSON.stringify({ ...valid, version: 3 }), /is version 3, written by a newer kthw; this kthw reads versions up to 2/],
  ['version 0', JSON.stringify({ ...valid, version: 0 }), /is version 0, older than any this kthw can migrate/],
  ['an unknown step status', withStep('maybe'), /does not match the version 2 format: chapters\.chapter-4\.steps\.make-ca\.status: Invalid option/],
  ['a missing field', JSON.stringify({ ...valid, chapters: undefined }), /chapters: Invalid input: expected record, received undefined/],
  ['an unknown field', JSON.stringify({ ...valid, extra: 1 }), /Unrecognized key: "extra"/],
  [
    'a bad chapter id',
    JSON.stringify({ ...valid, chapters: { __proto__x: { steps: {}, checks: [], params: {} } } }),
    /chapters\.__proto__x: Invalid key in record/,
  ],
  [
    'a damaged version 1 file',
    JSON.stringify({ version: 1, lab: 'classic', labFile: 'x', steps: ['no-slash'], updatedAt: valid.createdAt }),
    /claims version 1 but does not match it: steps\.0: must be "chapter\/step"/,
  ],
];

describe('a corrupt state file', () => {
  it.each(cases)('%s: read and update fail clearly and leave everything untouched', async (_name, content, expected) => {
    const store = await openStore(root);
    writeFileSync(store.file, content, { mode: 0o600 });
    const before = snapshotDir(store.paths.dir);

    const failures = [
      await store.read().catch((e: unknown) => e),
      await store.update((d) => recordStep(d, 'chapter-4', 'make-ca', { status: 'done', changed: true })).catch((e: unknown) => e),
    ];
    for (const error of failures) {
      expect(error).toBeInstanceOf(UsageError);
      const e = error as UsageError;
      expect(e.message).toContain(store.file);
      expect(e.message).toMatch(expected);
      expect(e.where).toBe(store.file);
      expect(formatError(e)).toMatch(/fix: {3}\S/);
    }
    expect(snapshotDir(store.paths.dir)).toEqual(before);
  });

  it('tells how to move a damaged file aside, and a future one how not to', async () => {
    const store = await openStore(root);
    writeFileSync(store.file, '{');
    const damaged = (await store.read().catch((e: unknown) => e)) as UsageError;
    expect(damaged.fix).toContain(`mv ${store.file} ${store.file}.broken`);
    writeFileSync(store.file, JSON.stringify({ ...valid, version: 9 }));
    const future = (await store.read().catch((e: unknown) => e)) as UsageError;
    expect(future.fix).toMatch(/newer kthw/);
  });

  it('a state.json that is a directory is a corrupt state (a usage error, exit 2) naming it', async () => {
    const paths = labDir('classic', root);
    mkdirSync(paths.stateFile, { recursive: true });
    const store = await openStore(root);
    const error = await store.read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    expect((error as UsageError).message).toBe(`the state file ${paths.stateFile} is a directory, not a regular file`);
  });
});
