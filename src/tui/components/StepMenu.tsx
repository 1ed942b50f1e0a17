import type { Step } from '../../plan/types.js';
import { stepLines } from '../step-commands.js';
import { wrapText } from '../wrap-text.js';
import type { Line } from './line.js';
import { ScrollView } from './ScrollView.js';

export interface StepMenuProps {
  step: Step;
  width: number;
  height: number;
  scroll: number;
  onScrollMax?: (max: number) => void;
}

/** Markdown emphasis and code marks dropped: the menu shows the why as one plain line. */
const plainText = (markdown: string) => markdown.replace(/\*\*|__|`/g, '').replace(/\s+/g, ' ');

export function menuLines(step: Step, width: number): Line[] {
  const firstParagraph = plainText(step.why.trim().split(/\n\s*\n/)[0] ?? '');
  return [
    ...wrapText(firstParagraph, width - 1),
    '',
    [{ text: '  r ', bold: true }, { text: ' run it for me' }],
    [{ text: '  t ', bold: true }, { text: " I'll type it myself" }],
    [{ text: '  e ', bold: true }, { text: ' explain: why, and what the commands do' }],
    [{ text: '  c ', bold: true }, { text: ' check the chapter' }],
    '',
    ...(stepLines(step).length === 0
      ? [[{ text: 'Nothing to type here: this step changes nothing, its checks look for you.', dim: true }] as Line]
      : [[{ text: `The commands (on ${step.host}):`, dim: true }] as Line, ...stepLines(step).map((l): Line => [{ text: `  ${l}`, color: 'yellow' }])]),
  ];
}

/** The three ways on from a step, with a preview of what it will do. */
export function StepMenu({ step, width, height, scroll, onScrollMax }: StepMenuProps) {
  return <ScrollView lines={menuLines(step, width)} height={height} scroll={scroll} onScrollMax={onScrollMax} />;
}
