/**
 * The lesson as the learner reads it: the chapter's Markdown with the commands of THEIR plan put
 * in. A lesson marks where a step's commands belong with `<!-- step: STEP-ID -->`; steps it does not
 * place are listed at the end, so no command of the plan is ever missing from the lesson.
 */
import type { Plan, Step } from '../plan/types.js';
import { stepLines } from './step-commands.js';

const marker = /^<!--[ \t]*step:[ \t]*([a-z0-9-]+)[ \t]*-->[ \t]*$/gm;

export function stepBlock(step: Step): string {
  if (stepLines(step).length === 0) return `**${step.title}** — on \`${step.host}\`: nothing to type, the checks look for you.`;
  const fence = fenceFor(stepLines(step));
  return [`**${step.title}** — on \`${step.host}\``, '', `${fence}sh`, `# on ${step.host}`, ...stepLines(step), fence].join('\n');
}

export function composeLesson(markdown: string, plan: Plan): string {
  const placed = new Set<string>();
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const body = markdown.replace(marker, (line, id: string) => {
    const step = byId.get(id);
    if (!step) return `> (this lesson refers to a step \`${id}\` that your plan does not have)`;
    placed.add(id);
    return stepBlock(step);
  });
  const rest = plan.steps.filter((s) => !placed.has(s.id));
  if (rest.length === 0) return body;
  return [body.trimEnd(), '', '## Your commands', '', ...rest.map((s) => `${stepBlock(s)}\n`)].join('\n');
}

/** A fence longer than any backtick run inside the code, so file contents cannot close it. */
export function fenceFor(lines: string[]): string {
  const longest = Math.max(2, ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((m) => m.length))));
  return '`'.repeat(longest + 1);
}
