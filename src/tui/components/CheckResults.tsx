import { Box, Text } from 'ink';
import type { CheckResult } from '../../../checks/types.js';
import type { ChecksState } from '../store.js';
import { useNow } from '../use-now.js';
import { wrapText } from '../wrap-text.js';
import type { Line } from './line.js';
import { ScrollView } from './ScrollView.js';
import { Spinner } from './Spinner.js';

export function resultLines(result: CheckResult, width: number): Line[] {
  const head: Line = [
    { text: result.ok ? '✓ ' : '✗ ', color: result.ok ? 'green' : 'red', bold: true },
    { text: result.title },
    { text: `  (${result.host})`, dim: true },
  ];
  const lines: Line[] = [head];
  const field = (label: string, text: string, color?: string) =>
    wrapText(text, width - 14).forEach((l, i) =>
      lines.push([
        { text: i === 0 ? `    ${label.padEnd(8)}` : ' '.repeat(12), dim: true },
        { text: l, color },
      ]),
    );
  if (result.warning) field('warning', result.warning, 'yellow');
  if (result.diagnosis) {
    field('found', result.diagnosis.found, 'red');
    if (result.diagnosis.where) field('where', result.diagnosis.where);
    field('why', result.diagnosis.why);
    field('fix', result.diagnosis.fix, 'cyan');
  }
  return lines;
}

export interface CheckResultsProps {
  checks: ChecksState;
  title: string;
  width: number;
  height: number;
  scroll: number;
  onScrollMax?: (max: number) => void;
}

/** The chapter's checks: ✓ or ✗ each, and for every failure what was found, where, why it matters and the fix. */
export function CheckResults({ checks, title, width, height, scroll, onScrollMax }: CheckResultsProps) {
  const now = useNow(100, checks.status === 'running');
  const failed = checks.results.filter((r) => !r.ok).length;
  const summary =
    checks.status === 'running'
      ? ` checking ${title}…`
      : checks.status === 'error'
        ? `✗ the checks of ${title} could not run`
        : `${title}: ${checks.results.length - failed} passed, ${failed} failed${failed ? '' : ' — well done'}`;
  const lines: Line[] = checks.status === 'error' ? wrapText(checks.error ?? '', width - 2) : checks.results.flatMap((r) => resultLines(r, width));
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Text bold wrap="truncate-end">
        {checks.status === 'running' && <Spinner now={now} />}
        {summary}
      </Text>
      <Text> </Text>
      <ScrollView lines={lines} height={Math.max(1, height - 2)} scroll={scroll} onScrollMax={onScrollMax} />
    </Box>
  );
}
