import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The import graph of the shipped code (src/, chapters/, checks/, lab/local/; tests, benches and
// scripts may import anything). Every relative import, type-only and dynamic ones included, must
// point down the layers or stay inside its own group, and no file may reach itself again.

/** Lowest first. A group may import its own files and any group of a lower layer. */
const layers: string[][] = [
  ['src/util'],
  ['src/state', 'src/lab'],
  ['src/ssh', 'src/pki'],
  // A chapter module declares its certificates (src/pki's types): plan sits above pki.
  ['src/plan'],
  ['checks', 'chapters', 'lab/local'],
  ['src/engine'],
  ['src/checks-runner', 'src/automation'],
  ['src/app'],
  ['src/tui'],
  ['src/cli'],
];

const root = resolve(import.meta.dirname, '../..');
const groupOf = (file: string) => layers.flat().find((g) => file === g || file.startsWith(`${g}/`));
const layerOf = (group: string) => layers.findIndex((l) => l.includes(group));

function sources(dir: string): string[] {
  if (!existsSync(join(root, dir))) return [];
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts'))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

function resolveImport(from: string, spec: string): string {
  const base = relative(root, resolve(root, dirname(from), spec));
  for (const candidate of [base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.tsx'), base]) if (existsSync(join(root, candidate))) return candidate;
  return base;
}

const files = ['src', 'chapters', 'checks', 'lab/local'].flatMap(sources);
const edges = new Map(
  files.map((file) => {
    const { importedFiles } = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true);
    const targets = importedFiles
      .map((i) => i.fileName)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => resolveImport(file, spec));
    return [file, [...new Set(targets)]];
  }),
);

function upwardImports(graph: Map<string, string[]>): string[] {
  const upward: string[] = [];
  for (const [file, targets] of graph) {
    const from = groupOf(file)!;
    for (const target of targets) {
      const to = groupOf(target);
      if (to === undefined) upward.push(`${file} → ${target} (outside every layer)`);
      else if (to !== from && layerOf(to) >= layerOf(from)) upward.push(`${file} → ${target}`);
    }
  }
  return upward;
}

/** Tarjan's strongly connected components: any component of two or more files (or a self-import) is a cycle. */
function cyclesOf(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)!.includes(v)) cycles.push(component.sort());
    }
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return cycles;
}

describe('the import graph', () => {
  it('covers the shipped code: every file belongs to a layer', () => {
    expect(files.length).toBeGreaterThan(100);
    expect([...edges.values()].flat().length).toBeGreaterThan(300);
    expect(files.filter((f) => groupOf(f) === undefined)).toEqual([]);
  });

  it('points down the layers (util → state/lab → ssh/pki → plan → checks/chapters → engine → automation → app → tui → cli)', () => {
    expect(upwardImports(edges)).toEqual([]);
  });

  it('has no cycle, type-only imports included', () => {
    expect(cyclesOf(edges)).toEqual([]);
  });

  it('chapters reach kthw through one entry point, chapters/kit.ts', () => {
    // Chapter 02 is converted when the branch working on it lands.
    const direct = [...edges]
      .filter(
        ([file]) =>
          file.startsWith('chapters/') && !['chapters/kit.ts', 'chapters/common.ts', 'chapters/index.ts'].includes(file) && !file.startsWith('chapters/02-'),
      )
      .flatMap(([file, targets]) => targets.filter((t) => t.startsWith('src/')).map((t) => `${file} → ${t}`));
    expect(direct).toEqual([]);
  });

  it('reports an upward import and a cycle when the graph has them', () => {
    const broken = new Map([
      ['checks/http.ts', ['checks/http-ansible.ts', 'src/util/errors.ts']],
      ['checks/http-ansible.ts', ['checks/http.ts']],
      ['src/automation/replay.ts', ['src/cli/session.ts']],
      ['src/cli/session.ts', ['src/util/errors.ts']],
      ['src/util/errors.ts', []],
    ]);
    expect(upwardImports(broken)).toEqual(['src/automation/replay.ts → src/cli/session.ts']);
    expect(cyclesOf(broken)).toEqual([['checks/http-ansible.ts', 'checks/http.ts']]);
  });
});
