/**
 * Turns zod's issues into lab problems: our own wording, placed on the YAML node they concern
 * (the unknown key itself, the parent of a missing key, the wrong value).
 */
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type * as z from 'zod';
import { quoted, type LabProblem } from './lab-error.js';
import { labSchema } from './schema.js';
import { locateNode, pathText, problemAt, sourceTextAt, type DocPath, type YamlSource } from './yaml-source.js';

type Issue = z.core.$ZodIssue;

export function shapeProblems(issues: readonly Issue[], yaml: YamlSource): LabProblem[] {
  return withoutTypoEchoes(issues, yaml).flatMap((issue) => problemsOf(issue, yaml));
}

/**
 * A misspelt key shows up twice: as an unknown key, and as the key it should have been missing, or
 * the mapping lacking a value. The unknown key's "did you mean" says it all: drop the echoes.
 */
function withoutTypoEchoes(issues: readonly Issue[], yaml: YamlSource): Issue[] {
  const unknownAt = new Map<string, string[]>();
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const path = plainPath(issue.path);
    const allowed = allowedKeysAt(path);
    unknownAt.set(
      pathText(path),
      issue.keys.map((key) => closest(key, allowed) ?? ''),
    );
  }
  return issues.filter((issue) => {
    if (issue.code === 'unrecognized_keys') return true;
    const path = plainPath(issue.path);
    if (issue.code === 'custom' && unknownAt.has(pathText(path))) return false;
    const parent = unknownAt.get(pathText(path.slice(0, -1)));
    const missing = (issue.code === 'invalid_type' || issue.code === 'invalid_value') && locateNode(yaml, path).missing;
    return !(missing && parent?.includes(String(path[path.length - 1])));
  });
}

function plainPath(path: readonly PropertyKey[]): Array<string | number> {
  return path.filter((p): p is string | number => typeof p !== 'symbol');
}

function problemsOf(issue: Issue, yaml: YamlSource): LabProblem[] {
  const path = plainPath(issue.path);
  const where = pathText(path) || 'the lab file';
  switch (issue.code) {
    case 'custom':
      return [problemAt(yaml, { path, message: issue.message, fix: (issue.params as { fix?: string } | undefined)?.fix })];
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const allowed = allowedKeysAt(path);
        const near = closest(key, allowed);
        return problemAt(yaml, {
          path: [...path, key],
          atKey: true,
          message: `unknown key ${quoted(String(key))} in ${where}`,
          fix: near ? `did you mean "${near}"?` : `remove it; the keys allowed here are ${allowed.join(', ')}`,
        });
      });
    case 'invalid_type': {
      const found = locateNode(yaml, path);
      const key = path[path.length - 1];
      if (found.missing) return [missingKey(yaml, path)];
      const value = found.value ?? found.node;
      const written =
        isScalar(value) && (typeof value.value === 'number' || typeof value.value === 'boolean') && value.range
          ? yaml.text.slice(value.range[0], value.range[1])
          : undefined;
      const fix =
        issue.expected === 'string' && written !== undefined
          ? `quote it: ${String(key)}: "${written.replace(/"/g, '\\"')}"`
          : `write ${expectedText(issue.expected)} there`;
      return [problemAt(yaml, { path, message: `${where} must be ${expectedText(issue.expected)}, not ${describeNode(found.value ?? found.node)}`, fix })];
    }
    case 'invalid_value': {
      if (locateNode(yaml, path).missing) return [missingKey(yaml, path)];
      const values = issue.values.map(String);
      const written = sourceTextAt(yaml, path) ?? '';
      const near = closest(written.replace(/^["']|["']$/g, ''), values);
      return [
        problemAt(yaml, {
          path,
          message: `${where} must be one of ${values.join(', ')}, not ${quoted(written)}`,
          fix: near ? `did you mean "${near}"?` : `write one of ${values.join(', ')}`,
        }),
      ];
    }
    default:
      return [problemAt(yaml, { path, message: `${where}: ${issue.message}` })];
  }
}

function missingKey(yaml: YamlSource, path: DocPath): LabProblem {
  const key = String(path[path.length - 1]);
  const parent = pathText(path.slice(0, -1));
  return problemAt(yaml, {
    path,
    message: `missing required key "${key}"${parent ? ` in ${parent}` : ''}`,
    fix: `add ${key}: (lab/classic.yaml shows every key)`,
  });
}

function expectedText(expected: string): string {
  switch (expected) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'array':
      return 'a list';
    case 'object':
    case 'record':
      return 'a mapping';
    default:
      return expected;
  }
}

function describeNode(node: Node | undefined): string {
  if (node === undefined) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const value = node.value;
    if (value === null) return 'empty';
    if (typeof value === 'number') return `the number ${String(value)}`;
    if (typeof value === 'boolean') return `the boolean ${String(value)}`;
    if (typeof value === 'string') return `the string ${quoted(value)}`;
    if (value instanceof Uint8Array) return 'binary data';
  }
  return 'something else';
}

type Def = {
  type: string;
  shape?: Record<string, { _zod: { def: Def } }>;
  element?: { _zod: { def: Def } };
  valueType?: { _zod: { def: Def } };
  innerType?: { _zod: { def: Def } };
  in?: { _zod: { def: Def } };
};

/** The keys the schema allows for the object at `path` (for "did you mean"). */
function allowedKeysAt(path: DocPath): string[] {
  let def = (labSchema as unknown as { _zod: { def: Def } })._zod.def;
  const unwrap = () => {
    while ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable') && def.innerType) def = def.innerType._zod.def;
    while (def.type === 'pipe' && def.in) def = def.in._zod.def;
  };
  unwrap();
  for (const segment of path) {
    const next = def.type === 'object' ? def.shape?.[String(segment)] : def.type === 'array' ? def.element : def.type === 'record' ? def.valueType : undefined;
    if (!next) return [];
    def = next._zod.def;
    unwrap();
  }
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

/** The candidate within edit distance 2 of `word` (closest first), if any. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
