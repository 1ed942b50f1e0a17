import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../util/errors.js';
import { packageRoot } from '../util/package-root.js';
import { LabError } from './lab-error.js';
import { labSchema } from './schema.js';
import { checkSemantics } from './semantics.js';
import { shapeProblems } from './shape-problems.js';
import type { Lab } from './types.js';
import { parseYaml } from './yaml-source.js';

export { LabError, type LabProblem } from './lab-error.js';

export type BuiltinLab = 'classic' | 'ipv6-ha';

/** The path of a lab file shipped with kthw (`lab/<name>.yaml` in the package). */
export function builtinLabPath(name: BuiltinLab): string {
  return join(packageRoot(import.meta.url), 'lab', `${name}.yaml`);
}

/** A lab file is a few KB; anything near this is not one (and /dev/zero never ends). */
export const MAX_LAB_FILE_BYTES = 1024 * 1024;

/** Reads and validates a lab file; a `UsageError` (a `LabError` for bad content) when it cannot. */
export async function loadLab(path: string): Promise<Lab> {
  return parseLab(await readLabText(path), path);
}

/**
 * The text of a lab file: a regular file of at most MAX_LAB_FILE_BYTES. Opened without blocking, so a
 * FIFO is refused instead of waiting forever for a writer; read no further than the cap.
 */
export async function readLabText(path: string): Promise<string> {
  const refuse = (why: string, fix = 'give the path of a lab YAML file, e.g. lab/classic.yaml', cause?: unknown) =>
    new UsageError(`cannot read lab file ${path}: ${why}`, { where: path, fix, ...(cause ? { cause } : {}) });
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw refuse(
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : String(code ?? error),
      undefined,
      error,
    );
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw refuse('it is a directory');
    if (!info.isFile())
      throw refuse(
        `it is not a regular file (${info.isFIFO() ? 'a FIFO' : info.isCharacterDevice() || info.isBlockDevice() ? 'a device' : info.isSocket() ? 'a socket' : 'a special file'})`,
        'give a lab YAML file saved on disk; to use generated text, write it to a file first',
      );
    const tooBig = () =>
      refuse(
        `it is larger than ${MAX_LAB_FILE_BYTES / 1024 / 1024} MiB, far more than a lab file (a few KB)`,
        'check the path: a lab file lists a few hosts, networks and versions',
      );
    if (info.size > MAX_LAB_FILE_BYTES) throw tooBig();
    const buffer = Buffer.alloc(MAX_LAB_FILE_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > MAX_LAB_FILE_BYTES) throw tooBig();
    }
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * Validates lab file text: YAML syntax, then shape (zod), then the relations between values.
 * Throws a `LabError` listing every problem found at the first stage that has any.
 */
export function parseLab(text: string, source: string): Lab {
  try {
    return parseLabText(text, source);
  } catch (error) {
    // Deeply nested lists or aliases exhaust the stack of the walks over them ("Maximum call stack size exceeded").
    if (error instanceof RangeError) {
      throw new LabError([
        {
          source,
          line: 1,
          column: 1,
          path: '',
          message: 'the lab file nests lists, mappings or aliases too deeply to read',
          fix: 'a lab file is a few levels deep: start from a copy of lab/classic.yaml',
        },
      ]);
    }
    throw error;
  }
}

function parseLabText(text: string, source: string): Lab {
  const parsed = parseYaml(text, source);
  if (!parsed.ok) throw new LabError(parsed.problems);
  const { yaml } = parsed;
  if (yaml.doc.contents === null) {
    throw new LabError([{ source, line: 1, column: 1, path: '', message: 'the lab file is empty', fix: 'start from a copy of lab/classic.yaml' }]);
  }
  let data: unknown;
  try {
    data = yaml.doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    if (error instanceof RangeError) throw error;
    // The other way toJS fails on a document that parsed: aliases expanding beyond the limit.
    throw new LabError([
      {
        source,
        line: 1,
        column: 1,
        path: '',
        message: 'YAML: the file expands aliases (*name) too many times',
        fix: 'write the values out instead of through so many aliases (*name)',
      },
    ]);
  }
  const shape = labSchema.safeParse(data);
  if (!shape.success) throw new LabError(shapeProblems(shape.error.issues, yaml));
  const { lab, problems } = checkSemantics(shape.data, yaml);
  if (!lab) throw new LabError(problems);
  return lab;
}
