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

export const explainMarkdown = (step: Step): string => `${step.why.trim()}\n\n${stepBlock(step)}\n`;

/** Why this step exists and what its commands do (the chapter's own words), then the commands. */
export function ExplainPanel({ step, ...view }: ExplainPanelProps) {
  return <LessonView markdown={explainMarkdown(step)} {...view} />;
}
