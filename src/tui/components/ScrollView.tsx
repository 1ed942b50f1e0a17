import { Box, Text } from 'ink';
import { useEffect } from 'react';
import { LineView, type Line } from './line.js';

export interface ScrollViewProps {
  lines: Line[];
  height: number;
  scroll: number;
  /** Told how far this content can scroll at this height, so keys stop at the end. */
  onScrollMax?: (max: number) => void;
}

/** Shows `height` rows of `lines` from `scroll`; the last row says where you are when it overflows. */
export function ScrollView({ lines, height, scroll, onScrollMax }: ScrollViewProps) {
  const overflow = lines.length > height;
  const rows = Math.max(1, overflow ? height - 1 : height);
  const max = Math.max(0, lines.length - rows);
  useEffect(() => {
    onScrollMax?.(max);
  }, [max, onScrollMax]);
  const from = Math.min(Math.max(0, scroll), max);
  const visible = lines.slice(from, from + rows);
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      {visible.map((line, i) => (
        <LineView key={from + i} line={line} />
      ))}
      {overflow && (
        <Text dimColor wrap="truncate-end">
          {`── lines ${from + 1}–${from + visible.length} of ${lines.length}${from < max ? ' · j/space: more' : ' · end'} ──`}
        </Text>
      )}
    </Box>
  );
}
