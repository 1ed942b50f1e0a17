import type { Step } from '../../plan/types.js';
import { stepBlock } from '../lesson-document.js';
import { LessonView } from './LessonView.js';

export interface ExplainPanelProps {
  step: Step;
  width: number;
  height: number;
  scroll: number;
  onScrollMax?: (max: number) => void;
}

const glossaryMarkdown = (glossary: Record<string, string> | undefined): string => {
  const entries = Object.entries(glossary ?? {});
  if (entries.length === 0) return '';
  return `\n**Flags and terms**\n\n${entries.map(([term, meaning]) => `- \`${term}\` — ${meaning}`).join('\n')}\n`;
};

export const explainMarkdown = (step: Step): string => `${step.why.trim()}\n\n${stepBlock(step)}\n${glossaryMarkdown(step.glossary)}`;

/** Why this step exists (the chapter's own words), the commands, then what each flag they use means. */
export function ExplainPanel({ step, ...view }: ExplainPanelProps) {
  return <LessonView markdown={explainMarkdown(step)} {...view} />;
}
