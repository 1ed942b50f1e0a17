import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { EnvironmentError, UsageError } from '../util/errors.js';
import { MigrationInputError, migrate, oldestReadableVersion } from './migrations.js';
import { currentStateVersion, labStateSchema, type LabState } from './schema.js';

export interface LoadedState {
  state: LabState;
  /** The version found on disk, when older than the current one (the state was migrated in memory). */
  migratedFrom?: number;
}

function moveAsideFix(file: string): string {
  return `kthw never resets a state file by itself: move it aside (mv ${file} ${file}.broken) to start this lab's progress over, or repair it by hand (docs/state-file.md describes the format)`;
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const shown = issues.slice(0, 3).map((issue) => {
    const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
    return `${path}: ${issue.message}`;
  });
  const more = issues.length > 3 ? `; and ${issues.length - 3} more` : '';
  return shown.join('; ') + more;
}

/** Parse and validate the text of a state file, migrating older versions. Never touches the file. */
export function parseStateText(text: string, file: string): LoadedState {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new UsageError(`the state file ${file} is not valid JSON (${detail})`, { where: file, fix: moveAsideFix(file) });
  }
  const version = typeof document === 'object' && document !== null && !Array.isArray(document) ? (document as { version?: unknown }).version : undefined;
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    throw new UsageError(`the state file ${file} has no integer "version" field: it is not a kthw state file, or it is damaged`, {
      where: file,
      fix: moveAsideFix(file),
    });
  }
  if (version > currentStateVersion) {
    throw new UsageError(`the state file ${file} is version ${version}, written by a newer kthw; this kthw reads versions up to ${currentStateVersion}`, {
      where: file,
      fix: 'run the newer kthw that wrote it (or upgrade this one); do not edit the file down by hand',
    });
  }
  if (version < oldestReadableVersion) {
    throw new UsageError(`the state file ${file} is version ${version}, older than any this kthw can migrate (oldest: ${oldestReadableVersion})`, {
      where: file,
      fix: moveAsideFix(file),
    });
  }
  let current: unknown = document;
  if (version < currentStateVersion) {
    try {
      current = migrate(document, version);
    } catch (error) {
      if (!(error instanceof MigrationInputError)) throw error;
      throw new UsageError(`the state file ${file} claims version ${version} but does not match it: ${describeIssues(error.issues)}`, {
        where: file,
        fix: moveAsideFix(file),
      });
    }
  }
  const parsed = labStateSchema.safeParse(current);
  if (!parsed.success) {
    throw new UsageError(`the state file ${file} does not match the version ${currentStateVersion} format: ${describeIssues(parsed.error.issues)}`, {
      where: file,
      fix: moveAsideFix(file),
    });
  }
  return version < currentStateVersion ? { state: parsed.data, migratedFrom: version } : { state: parsed.data };
}

/** The raw bytes of a state file; undefined when there is none yet. */
export async function readStateBytes(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new EnvironmentError(`cannot read the state file ${file} (${code ?? String(error)})`, {
      where: file,
      fix: code === 'EISDIR' ? `${file} must be a file: move it aside` : `make ${file} readable by this user`,
      cause: error,
    });
  }
}

/** Read a state file; undefined when there is none yet. */
export async function readStateFile(file: string): Promise<LoadedState | undefined> {
  const bytes = await readStateBytes(file);
  return bytes === undefined ? undefined : parseStateText(bytes.toString('utf8'), file);
}
