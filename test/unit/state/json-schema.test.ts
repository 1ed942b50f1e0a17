import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordChecks, recordStep, setChapterParams, sha256Text } from '../../../src/state/index.js';
import { stateJsonSchema, stateJsonSchemaText, stateSchemaPath } from '../../../src/state/json-schema.js';
import { schemaProblems } from '../../support/json-schema-check.js';
import { openStore, tempRoot } from './helpers.js';

/** What this test changes in a written state file. */
interface WrittenState {
  chapters: Record<string, { steps: Record<string, { artifacts: Record<string, string> }> }>;
  [key: string]: unknown;
}

const published = () => readFileSync(join(import.meta.dirname, '../../..', stateSchemaPath), 'utf8');

let root: string;
beforeEach(() => {
  root = tempRoot('kthw-schema-');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("the state file's JSON Schema", () => {
  it('is published under docs/ as generated from the zod schema (npm run schema rewrites it)', () => {
    expect(published()).toBe(stateJsonSchemaText());
  });

  it('accepts a state file the store wrote, and refuses what the store would refuse', async () => {
    const store = await openStore(root);
    await store.update((d) =>
      recordStep(d, 'chapter-4', 'make-ca', { status: 'done', changed: true, params: { key: 'pki/ca.key' }, artifacts: { 'pki/ca.crt': sha256Text('ca') } }),
    );
    await store.update((d) =>
      recordChecks(d, 'chapter-4', [
        { id: 'ca-cert', host: 'local', ok: false, message: 'missing', diagnosis: { found: 'no file', where: 'local:pki/ca.crt' } },
      ]),
    );
    await store.update((d) => setChapterParams(d, 'chapter-6', { encryptionConfig: 'secrets/encryption-config.yaml', keyBytes: 32 }));
    const schema = JSON.parse(published()) as Record<string, unknown>;
    const written = JSON.parse(readFileSync(store.file, 'utf8')) as WrittenState;
    expect(schemaProblems(schema, written)).toEqual([]);

    expect(schemaProblems(schema, { ...written, extra: 1 })).toEqual(['$.extra: not allowed']);
    expect(schemaProblems(schema, { ...written, version: 3 })).toEqual(['$.version: not 2']);
    const badHash = structuredClone(written);
    badHash.chapters['chapter-4']!.steps['make-ca']!.artifacts['pki/ca.crt'] = 'ABC';
    expect(schemaProblems(schema, badHash)).toEqual(['$.chapters.chapter-4.steps.make-ca.artifacts.pki/ca.crt: does not match ^[0-9a-f]{64}$']);
    const badId = structuredClone(written);
    badId.chapters['Chapter 4'] = badId.chapters['chapter-4']!;
    expect(schemaProblems(schema, badId)).toEqual(['$.chapters key "Chapter 4": does not match ^[a-z0-9][a-z0-9-]*$']);
  });

  it('names its version and leaves nothing to the reader: every object is closed', () => {
    const schema = stateJsonSchema();
    expect(schema.title).toBe('kthw lab state, version 2');
    expect(published()).not.toContain('"additionalProperties": true');
  });
});
