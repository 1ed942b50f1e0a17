import { Box, Text, useInput } from 'ink';
import { useTheme } from '../theme.js';

export interface OpeningProps {
  columns: number;
  rows: number;
  onQuit: () => void;
}

/** The first frame, shown while the lab and its state are being read; q or Ctrl-C leave. */
export function Opening({ columns, rows, onQuit }: OpeningProps) {
  const { color } = useTheme();
  useInput((input, key) => {
    if (input === 'q' || (key.ctrl && input === 'c')) onQuit();
  });
  return (
    <Box flexDirection="column" width={columns} height={Math.max(3, rows - 1)}>
      <Text inverse bold color={color ? 'cyan' : undefined}>
        {' kthw learn '}
      </Text>
      <Box flexGrow={1}>
        <Text dimColor>Opening the lab…</Text>
      </Box>
      <Text dimColor>q quit</Text>
    </Box>
  );
}
