import { Box, Text } from 'ink';
import { ACTION_MARK, type RunState } from '../store.js';
import { useColor } from '../theme.js';
import { useNow } from '../use-now.js';
import { wrapText } from '../wrap-text.js';
import type { Line } from './line.js';
import { ScrollView } from './ScrollView.js';
import { Spinner, formatElapsed } from './Spinner.js';

export interface RunPanelProps {
  run: RunState;
  width: number;
  height: number;
  scroll: number;
  onScrollMax?: (max: number) => void;
}

/** A step running for the learner: spinner and elapsed time, then its output as it streams. */
export function RunPanel({ run, width, height, scroll, onScrollMax }: RunPanelProps) {
  const color = useColor();
  const running = run.status === 'running';
  const now = useNow(100, running);
  const elapsed = formatElapsed((run.endedAt ?? now) - run.startedAt);
  const changed = run.actions.filter((a) => a.changed).length;
  const output = run.partial ? [...run.output, run.partial] : run.output;
  const outcome: Line[] = [];
  if (run.status === 'failed' || run.status === 'cancelled') {
    if (run.message) outcome.push(...wrapText(run.message, width - 2).map((l): Line => [{ text: l, color: 'red' }]));
    if (run.fix) outcome.push(...wrapText(`fix: ${run.fix}`, width - 2));
    outcome.push('');
  }
  const styled = output.map((l): Line => (l.startsWith(ACTION_MARK) ? [{ text: l, dim: true }] : l));
  const lines: Line[] = [...outcome, ...styled];
  const bodyHeight = Math.max(1, height - 2);
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Text wrap="truncate-end">
        {running ? <Spinner now={now} /> : null}
        {run.status === 'done' && <Text color={color('green')}>✓ done</Text>}
        {run.status === 'failed' && <Text color={color('red')}>✗ failed</Text>}
        {run.status === 'cancelled' && <Text color={color('yellow')}>■ cancelled</Text>}
        {running ? ' running' : ''}
        {` · ${elapsed} · ${run.actions.length} action${run.actions.length === 1 ? '' : 's'}, ${changed} changed`}
        {running ? ' · Ctrl-C cancels' : run.status === 'done' ? ' · Enter: next step · c: check' : ' · r: run again'}
      </Text>
      <Text> </Text>
      {/* While running, follow the newest output; afterwards the learner scrolls. */}
      <ScrollView lines={lines} height={bodyHeight} scroll={running ? Number.MAX_SAFE_INTEGER : scroll} onScrollMax={onScrollMax} />
    </Box>
  );
}
