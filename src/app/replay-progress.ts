/**
 * Where a replay got to, kept in the target lab's directory (`replay.json`, beside state.json) so an
 * interrupted or failed replay resumes on the next call. The chapters' own step records stay in the
 * target's state file: a step counts as replayed when its record is `done` and newer than `startedAt`.
 */
import { readFile, rm } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomic } from '../state/index.js';
import { labDirPath } from '../state/lab-files.js';

const progressSchema = z
  .object({
    /** Absolute path of the lab file whose recorded progress is being replayed. */
    source: z.string().min(1),
    /** The chapters this replay runs, in order (fixed when it starts). */
    chapters: z.array(z.string().min(1)),
    /** Chapters finished by this replay. */
    done: z.array(z.string().min(1)),
    startedAt: z.iso.datetime({ offset: true }),
  })
  .strict();

export type ReplayProgress = z.infer<typeof progressSchema>;

export const replayProgressFile = (labDir: string) => labDirPath(labDir, 'replay');

/** The unfinished replay recorded in `labDir`, or undefined (none, finished, or unreadable). */
export async function readReplayProgress(labDir: string): Promise<ReplayProgress | undefined> {
  const text = await readFile(replayProgressFile(labDir), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return progressSchema.parse(JSON.parse(text));
  } catch {
    return undefined; // a damaged progress file only costs a full (idempotent) replay
  }
}

export async function writeReplayProgress(labDir: string, progress: ReplayProgress): Promise<void> {
  await writeFileAtomic(replayProgressFile(labDir), `${JSON.stringify(progressSchema.parse(progress), null, 2)}\n`, { mode: 0o600 });
}

/** A finished replay leaves nothing to resume. */
export async function clearReplayProgress(labDir: string): Promise<void> {
  await rm(replayProgressFile(labDir), { force: true });
}
