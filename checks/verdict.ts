import type { Verdict } from './types.js';

export function pass(observed: string, warning?: string): Verdict {
  return warning === undefined ? { ok: true, observed } : { ok: true, observed, warning };
}

export function fail(observed: string, found: string, where: string): Verdict {
  return { ok: false, observed, diagnosis: { found, where } };
}

/** A judge collects every unmet expectation, so one run shows all that is wrong, not the first. */
export function verdictFrom(problems: string[], observed: string, where: string, warning?: string): Verdict {
  return problems.length === 0 ? pass(observed, warning) : fail(observed, problems.join('; '), where);
}
