import { Box, Text } from 'ink';
import { KEY_HELP } from '../keymap.js';

/** The keys, shown over the current screen by `?`; any key closes it. */
export function HelpOverlay({ width }: { width: number }) {
  const keyWidth = Math.max(...KEY_HELP.map(([k]) => k.length)) + 2;
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1} width={Math.min(width, 78)}>
      <Text bold>Keys</Text>
      {KEY_HELP.map(([key, what]) => (
        <Text key={key} wrap="truncate-end">
          <Text bold>{key.padEnd(keyWidth)}</Text>
          {what}
        </Text>
      ))}
      <Text dimColor>Any key closes this help.</Text>
    </Box>
  );
}
