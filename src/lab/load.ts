import { readFile } from 'node:fs/promises';
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

/** Reads and validates a lab file; a `UsageError` (a `LabError` for bad content) when it cannot. */
export async function loadLab(path: string): Promise<Lab> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read lab file ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : String(code ?? error)}`, {
      where: path,
      fix: 'give the path of a lab YAML file, e.g. lab/classic.yaml',
      cause: error,
    });
  }
  return parseLab(text, path);
}

/**
 * Validates lab file text: YAML syntax, then shape (zod), then the relations between values.
 * Throws a `LabError` listing every problem found at the first stage that has any.
 */
export function parseLab(text: string, source: string): Lab {
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
    // The only way toJS fails on a document that parsed: aliases expanding beyond the limit.
    throw new LabError([{ source, line: 1, column: 1, path: '', message: `YAML: ${(error as Error).message}`, fix: 'write the values out instead of through so many aliases (*name)' }]);
  }
  const shape = labSchema.safeParse(data);
  if (!shape.success) throw new LabError(shapeProblems(shape.error.issues, yaml));
  const { lab, problems } = checkSemantics(shape.data, yaml);
  if (!lab) throw new LabError(problems);
  return lab;
}
