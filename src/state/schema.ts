/**
 * The shape of state.json, version 2. Progress is keyed by stable ids (chapter id, step id), never
 * by list positions, so a chapter that gains a step keeps what was done. docs/state-file.md
 * describes it for people.
 */
import { z } from 'zod';

export const currentStateVersion = 2;

/** Chapter and step ids: kebab-case, as the plans use them. */
export const idSchema = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a kebab-case id');
const isoTime = z.iso.datetime({ offset: true });
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 in lower-case hex');

export const stepRecordSchema = z
  .object({
    status: z.enum(['done', 'failed']),
    at: isoTime,
    changed: z.boolean(),
    /** What the step was run with: file references, names, never key material. */
    params: z.record(z.string(), z.string()),
    /** Files the step produced or placed, path (relative to the lab directory or on a host) → sha256. */
    artifacts: z.record(z.string().min(1), sha256),
    /** Why it failed (failed steps only). */
    message: z.string().optional(),
  })
  .strict();

export const checkRecordSchema = z
  .object({
    id: idSchema,
    host: z.string().min(1),
    ok: z.boolean(),
    message: z.string(),
    diagnosis: z.object({ found: z.string(), where: z.string(), why: z.string().optional(), fix: z.string().optional() }).strict().optional(),
    at: isoTime,
  })
  .strict();

export const chapterRecordSchema = z
  .object({
    steps: z.record(idSchema, stepRecordSchema),
    /** The results of the last check run of this chapter, replaced as a whole each run. */
    checks: z.array(checkRecordSchema),
    /** Values a chapter chose and later chapters reuse (e.g. the encryption key's file name). */
    params: z.record(z.string(), z.json()),
  })
  .strict();

export const labStateSchema = z
  .object({
    version: z.literal(currentStateVersion),
    lab: z
      .object({
        name: z.string().min(1),
        /** Absolute path of the lab file the progress was made with. */
        file: z.string().min(1),
        /** sha256 of that file's bytes; null when not known yet (migrated from version 1). */
        sha256: sha256.nullable(),
      })
      .strict(),
    createdAt: isoTime,
    updatedAt: isoTime,
    chapters: z.record(idSchema, chapterRecordSchema),
  })
  .strict();

export type StepRecord = z.infer<typeof stepRecordSchema>;
export type CheckRecord = z.infer<typeof checkRecordSchema>;
export type ChapterRecord = z.infer<typeof chapterRecordSchema>;
export type LabState = z.infer<typeof labStateSchema>;

export interface LabIdentity {
  name: string;
  file: string;
  sha256: string | null;
}

export function emptyState(lab: LabIdentity, now: Date = new Date()): LabState {
  const at = now.toISOString();
  return { version: currentStateVersion, lab: { ...lab }, createdAt: at, updatedAt: at, chapters: {} };
}
