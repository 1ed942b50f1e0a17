import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
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

/** A key of the file as shown in a message: a 50 MB key is shown by its start. */
function clip(text: string): string {
  return text.length <= 80 ? text : `${text.slice(0, 80)}…`;
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const shown = issues.slice(0, 3).map((issue) => {
    const path = issue.path.length > 0 ? issue.path.map((segment) => clip(String(segment))).join('.') : '(top level)';
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
    // Never the parser's own message: it quotes the file's text, which may be anything.
    throw new UsageError(`the state file ${file} is not valid JSON${jsonErrorPlace(error, text)}`, { where: file, fix: moveAsideFix(file) });
  }
  const forbidden = forbiddenKeyPath(document);
  if (forbidden !== undefined) {
    throw new UsageError(`the state file ${file} holds the key "__proto__" (at ${forbidden}): kthw refuses it rather than drop it silently`, {
      where: file,
      fix: moveAsideFix(file),
    });
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

/** " (line 3, column 7)" from a JSON.parse error, without the text it quotes. */
function jsonErrorPlace(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : '';
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (lineColumn) return ` (line ${lineColumn[1]}, column ${lineColumn[2]})`;
  const match = /position (\d+)/.exec(message);
  if (!match) return text.trim() === '' ? ' (it is empty)' : '';
  const before = text.slice(0, Number(match[1]));
  const line = before.split('\n').length;
  return ` (line ${line}, column ${before.length - before.lastIndexOf('\n')})`;
}

/** The path of the first own `__proto__` key (JSON.parse makes one; a later write would drop it), if any. */
function forbiddenKeyPath(value: unknown, path = '(top level)'): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  for (const key of Object.keys(value)) {
    const here = path === '(top level)' ? key : `${path}.${key}`;
    if (key === '__proto__') return here;
    const deeper = forbiddenKeyPath((value as Record<string, unknown>)[key], here);
    if (deeper !== undefined) return deeper;
  }
  return undefined;
}

/** A state file is at most this big: progress of a few chapters is a few hundred KB at most. */
export const MAX_STATE_FILE_BYTES = 16 * 1024 * 1024;

/**
 * The raw bytes of a state file; undefined when there is none yet. Only a regular file is read: a
 * directory, a FIFO or a symbolic link in its place is a damaged lab directory (exit 2), reported
 * without following the link (its target's content is never read, let alone quoted).
 */
export async function readStateBytes(file: string): Promise<Buffer | undefined> {
  const damaged = (what: string) =>
    new UsageError(`the state file ${file} is ${what}, not a regular file`, {
      where: file,
      fix: `move it aside (mv ${file} ${file}.broken): kthw writes state.json itself`,
    });
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw damaged('a symbolic link');
    if (code === 'EISDIR') throw damaged('a directory');
    throw new EnvironmentError(`cannot read the state file ${file} (${code ?? String(error)})`, {
      where: file,
      fix: `make ${file} readable by this user`,
      cause: error,
    });
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw damaged('a directory');
    if (!info.isFile()) throw damaged(info.isFIFO() ? 'a FIFO' : 'a special file');
    if (info.size > MAX_STATE_FILE_BYTES) {
      throw new UsageError(`the state file ${file} is ${Math.round(info.size / 1024 / 1024)} MiB, far larger than any state kthw writes`, {
        where: file,
        fix: moveAsideFix(file),
      });
    }
    return await handle.readFile();
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') throw damaged('a directory');
    throw new EnvironmentError(`cannot read the state file ${file} (${code ?? String(error)})`, {
      where: file,
      fix: `make ${file} readable by this user`,
      cause: error,
    });
  } finally {
    await handle.close();
  }
}

/** Read a state file; undefined when there is none yet. */
export async function readStateFile(file: string): Promise<LoadedState | undefined> {
  const bytes = await readStateBytes(file);
  return bytes === undefined ? undefined : parseStateText(bytes.toString('utf8'), file);
}
