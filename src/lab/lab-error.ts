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

/** Problems listed in one error; the rest are counted. */
export const MAX_LISTED_PROBLEMS = 20;
/** No message line grows past this, whatever it quotes. */
const MAX_LINE = 400;

export { quoted } from '../util/quoted.js';

function bounded(line: string): string {
  return line.length <= MAX_LINE ? line : `${line.slice(0, MAX_LINE - 1)}…`;
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
    const sorted = [...problems]
      .sort((a, b) => a.line - b.line || a.column - b.column)
      .map((p) => ({ ...p, message: bounded(p.message), ...(p.fix !== undefined ? { fix: bounded(p.fix) } : {}) }));
    const first = sorted[0];
    if (!first) throw new Error('LabError needs at least one problem');
    super(sorted.length === 1 ? first.message : listProblems(sorted), { where: problemWhere(first), fix: first.fix });
    this.name = 'LabError';
    this.problems = sorted;
  }
}

function listProblems(problems: LabProblem[]): string {
  const lines = [`the lab file has ${problems.length} problems:`];
  for (const problem of problems.slice(0, MAX_LISTED_PROBLEMS)) {
    lines.push(`  ${problemWhere(problem)}: ${problem.message}`);
    if (problem.fix) lines.push(`      fix: ${problem.fix}`);
  }
  const more = problems.length - MAX_LISTED_PROBLEMS;
  if (more > 0) lines.push(`  … and ${more} more problem${more === 1 ? '' : 's'} (fix these first, then validate again)`);
  return lines.join('\n');
}
