import type { Step } from '../../plan/types.js';
import { stepLines } from '../step-commands.js';
import type { Line } from './line.js';
import { ScrollView } from './ScrollView.js';

export interface TypePanelProps {
  step: Step;
  sshHint: string;
  height: number;
  scroll: number;
  onScrollMax?: (max: number) => void;
}

export function typeLines(step: Step, sshHint: string): Line[] {
  const reach: Line[] =
    step.host === 'local'
      ? ['These commands run on your own machine, in a terminal next to this one.']
      : [`Open a shell on ${step.host} in another terminal:`, '', [{ text: `  ${sshHint}`, bold: true }]];
  if (stepLines(step).length === 0)
    return ['Nothing to type for this step: it changes nothing.', '', [{ text: 'Press c to run the checks that look at it.', bold: true }]];
  return [
    ...reach,
    '',
    'Then type:',
    '',
    ...stepLines(step).map((l): Line => [{ text: `  ${l}`, color: 'yellow' }]),
    '',
    [{ text: 'When you are done, press c here to check your work.', bold: true }],
  ];
}

/** "I'll type it myself": the step's commands and how to reach the host; then the learner presses c. */
export function TypePanel({ step, sshHint, height, scroll, onScrollMax }: TypePanelProps) {
  return <ScrollView lines={typeLines(step, sshHint)} height={height} scroll={scroll} onScrollMax={onScrollMax} />;
}
