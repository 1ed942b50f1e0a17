import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { LabProblem } from './lab-error.js';

export type DocPath = ReadonlyArray<string | number>;

/** A parsed YAML document that can say where any of its nodes sits in the source. */
export interface YamlSource {
  source: string;
  text: string;
  doc: Document.Parsed;
  lines: LineCounter;
}

const MAX_SYNTAX_PROBLEMS = 5;

export type ParseYamlResult = { ok: true; yaml: YamlSource } | { ok: false; problems: LabProblem[] };

export function parseYaml(text: string, source: string): ParseYamlResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, merge: false, schema: 'core' });
  const yaml: YamlSource = { source, text, doc, lines };
  const found = [...doc.errors, ...doc.warnings];
  const keys = keyProblems(yaml);
  if (found.length === 0 && keys.length > 0) return { ok: false, problems: keys };
  if (found.length > 0) {
    const problems = found.slice(0, MAX_SYNTAX_PROBLEMS).map((error) => {
      const { line, col } = lines.linePos(error.pos[0]);
      return {
        source,
        line,
        column: col,
        path: '',
        message: `YAML: ${ownWords(error.code, firstLine(error.message))}`,
        fix: /call stack/i.test(error.message) ? 'a lab file is a few levels deep: start from a copy of lab/classic.yaml' : syntaxFix(error.code),
      };
    });
    return { ok: false, problems };
  }
  return { ok: true, yaml };
}

/** Keys that a plain JavaScript object cannot hold faithfully: collections, and `__proto__`. */
function keyProblems(yaml: YamlSource): LabProblem[] {
  const problems: LabProblem[] = [];
  visit(yaml.doc, {
    Pair(_, pair) {
      const key = pair.key as Node | null;
      const plain = isScalar(key) && (typeof key.value === 'string' || typeof key.value === 'number');
      if (plain && key.value === '<<') {
        problems.push({
          source: yaml.source,
          ...positionOf(yaml, key),
          path: '',
          message: 'YAML merge keys (<<) are not supported in lab files',
          fix: 'write the keys out in full where the merge would put them',
        });
        return;
      }
      const message = !plain
        ? 'a key must be a plain name, not a list, a mapping or an empty key'
        : key.value === '__proto__'
          ? 'the key "__proto__" is not allowed'
          : undefined;
      if (message)
        problems.push({ source: yaml.source, ...positionOf(yaml, key ?? undefined), path: '', message, fix: 'use the key names lab/classic.yaml shows' });
    },
  });
  return problems;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/** The yaml library's messages that speak of its own API, in the lab file's terms. */
function ownWords(code: string, message: string): string {
  if (code === 'MULTIPLE_DOCS') return 'the file holds more than one document (a "---" line starts another)';
  if (/call stack/i.test(message)) return 'the file nests lists, mappings or aliases too deeply to read';
  return message;
}

function syntaxFix(code: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'keep one of the two entries';
    case 'MULTIPLE_DOCS':
      return 'a lab file holds one YAML document: remove the "---" separator and what follows, or split the file';
    case 'TAB_AS_INDENT':
      return 'indent with spaces, not tabs';
    default:
      return 'fix the YAML syntax there; quote values that contain {, }, [, ], "," or ": "';
  }
}

/** The node at `path`, or the deepest existing ancestor when part of the path is missing. */
export function locateNode(yaml: YamlSource, path: DocPath): { node: Node | undefined; keyNode?: Node; value?: Node; missing: boolean } {
  let node: unknown = yaml.doc.contents;
  let keyNode: Node | undefined;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(yaml.doc);
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
      next = pair?.value ?? undefined;
      keyNode = (pair?.key as Node | undefined) ?? undefined;
      if (pair && (next === null || (isScalar(next) && next.value === null))) {
        // `key:` with nothing after it: point at the key.
        return { node: keyNode, keyNode, ...(next ? { value: next } : {}), missing: false };
      }
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
      keyNode = undefined;
    }
    if (next === undefined) return { node: node as Node | undefined, missing: true };
    node = next;
  }
  return { node: node as Node | undefined, keyNode, missing: false };
}

export function positionOf(yaml: YamlSource, node: Node | undefined): { line: number; column: number } {
  const offset = node?.range?.[0] ?? 0;
  const { line, col } = yaml.lines.linePos(offset);
  return { line, column: col };
}

/** `hosts[2].ssh.port` */
export function pathText(path: DocPath): string {
  return path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : i === 0 ? segment : `.${segment}`)).join('');
}

export interface ProblemSpec {
  path: DocPath;
  message: string;
  fix?: string;
  /** Place the problem on the key of the last path segment (unknown keys, bad names of map entries). */
  atKey?: boolean;
}

export function problemAt(yaml: YamlSource, spec: ProblemSpec): LabProblem {
  const found = locateNode(yaml, spec.path);
  const node = spec.atKey && !found.missing ? (found.keyNode ?? found.node) : found.node;
  return { source: yaml.source, ...positionOf(yaml, node), path: pathText(spec.path), message: spec.message, ...(spec.fix ? { fix: spec.fix } : {}) };
}

/** The source text of the node at `path` (what the user wrote), when it exists. */
export function sourceTextAt(yaml: YamlSource, path: DocPath): string | undefined {
  const found = locateNode(yaml, path);
  if (found.missing || !found.node?.range) return undefined;
  return yaml.text.slice(found.node.range[0], found.node.range[1]);
}
