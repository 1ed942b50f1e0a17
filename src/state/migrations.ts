/**
 * Older shapes of state.json and how each becomes the next. A migration validates its input with
 * that version's own schema, so a damaged old file is reported as such rather than half-converted.
 */
import { z } from 'zod';
import { currentStateVersion } from './schema.js';

/** Version 1 kept only which steps were done, as a flat list of "chapter/step" strings. */
export const stateV1Schema = z
  .object({
    version: z.literal(1),
    lab: z.string().min(1),
    labFile: z.string().min(1),
    steps: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]*\/[a-z0-9][a-z0-9-]*$/, 'must be "chapter/step"')),
    updatedAt: z.iso.datetime({ offset: true }),
  })
  .strict();
export type StateV1 = z.infer<typeof stateV1Schema>;

function fromV1(old: StateV1): unknown {
  const chapters: Record<string, { steps: Record<string, unknown>; checks: []; params: Record<string, never> }> = {};
  for (const entry of old.steps) {
    const [chapter, step] = entry.split('/') as [string, string];
    chapters[chapter] ??= { steps: {}, checks: [], params: {} };
    // Version 1 recorded neither when each step ran nor whether it changed anything: the file's
    // own time is the best "at", and "changed" is unknown, so false (nothing claimed).
    chapters[chapter].steps[step] = { status: 'done', at: old.updatedAt, changed: false, params: {}, artifacts: {} };
  }
  return {
    version: 2,
    lab: { name: old.lab, file: old.labFile, sha256: null },
    createdAt: old.updatedAt,
    updatedAt: old.updatedAt,
    chapters,
  };
}

interface Migration {
  schema: z.ZodType;
  up(old: never): unknown;
}

/** migrations[n] turns version n into version n + 1. */
export const migrations: Record<number, Migration> = {
  1: { schema: stateV1Schema, up: fromV1 },
};

export const oldestReadableVersion = 1;

export class MigrationInputError extends Error {
  constructor(
    readonly version: number,
    readonly issues: z.core.$ZodIssue[],
  ) {
    super(`not a valid version ${version} state file`);
  }
}

/** Bring a parsed document of `version` (oldest..current) up to the current version. */
export function migrate(document: unknown, version: number): unknown {
  let current = document;
  for (let v = version; v < currentStateVersion; v++) {
    const migration = migrations[v];
    if (migration === undefined) throw new Error(`no migration from state version ${v}`);
    const parsed = migration.schema.safeParse(current);
    if (!parsed.success) throw new MigrationInputError(v, parsed.error.issues);
    current = migration.up(parsed.data as never);
  }
  return current;
}
