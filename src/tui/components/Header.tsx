import { Text } from 'ink';
import { useColor } from '../theme.js';

/** The top row: where you are. */
export function Header({ labName, place }: { labName: string; place: string }) {
  const color = useColor();
  return (
    <Text wrap="truncate-end" inverse>
      <Text bold color={color('cyan')}>
        {' kthw learn '}
      </Text>
      {` lab ${labName}${place ? ` · ${place}` : ''} `}
    </Text>
  );
}
