import { UsageError } from '../util/errors.js';

/** One thing wrong with a lab file, placed on the node that carries it. */
export interface LabProblem {
  source: string;
  line: number;
  column: number;
  /** The path of the offending node in the document, e.g. `hosts[2].ssh.port`; empty for the root. */
  path: string;
  message: string;
  fix?: string;
}

export function problemWhere(problem: LabProblem): string {
  return `${problem.source}:${problem.line}:${problem.column}`;
}

/**
 * A lab file that cannot be used: every problem found, in file order. It is a `UsageError`, so the
 * CLI prints it with `formatError`: the message lists each problem at its file:line:column, and
 * `where`/`fix` are those of the first.
 */
export class LabError extends UsageError {
  readonly problems: readonly LabProblem[];

  constructor(problems: LabProblem[]) {
    const sorted = [...problems].sort((a, b) => a.line - b.line || a.column - b.column);
    const first = sorted[0];
    if (!first) throw new Error('LabError needs at least one problem');
    super(sorted.length === 1 ? first.message : listProblems(sorted), { where: problemWhere(first), fix: first.fix });
    this.name = 'LabError';
    this.problems = sorted;
  }
}

function listProblems(problems: LabProblem[]): string {
  const lines = [`the lab file has ${problems.length} problems:`];
  for (const problem of problems) {
    lines.push(`  ${problemWhere(problem)}: ${problem.message}`);
    if (problem.fix) lines.push(`      fix: ${problem.fix}`);
  }
  return lines.join('\n');
}
