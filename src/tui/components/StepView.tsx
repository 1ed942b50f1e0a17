import { Box, Text } from 'ink';
import type { Step } from '../../plan/types.js';
import type { RunState, StepPanel } from '../store.js';
import { useColor } from '../theme.js';
import { ExplainPanel } from './ExplainPanel.js';
import { RunPanel } from './RunPanel.js';
import { StepMenu } from './StepMenu.js';
import { TypePanel } from './TypePanel.js';

export interface StepViewProps {
  step: Step;
  index: number;
  total: number;
  panel: StepPanel;
  run?: RunState;
  sshHint: string;
  width: number;
  height: number;
  scroll: number;
  onScrollMax?: (max: number) => void;
}

/** One step of the chapter: its title and host, then the menu, its run, the commands to type, or why. */
export function StepView({ step, index, total, panel, run, sshHint, width, height, scroll, onScrollMax }: StepViewProps) {
  const color = useColor();
  const body = { height: Math.max(1, height - 2), scroll, onScrollMax };
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Text wrap="truncate-end">
        <Text dimColor>{`Step ${index + 1}/${total} · `}</Text>
        <Text bold>{step.title}</Text>
        <Text color={color('cyan')}>{` · on ${step.host}`}</Text>
      </Text>
      <Text> </Text>
      {panel === 'run' && run ? (
        <RunPanel run={run} width={width} {...body} />
      ) : panel === 'type' ? (
        <TypePanel step={step} sshHint={sshHint} {...body} />
      ) : panel === 'explain' ? (
        <ExplainPanel step={step} width={width} {...body} />
      ) : (
        <StepMenu step={step} width={width} {...body} />
      )}
    </Box>
  );
}
