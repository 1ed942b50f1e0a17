import { Text } from 'ink';
import type { Notice, Screen } from '../store.js';
import { useColor } from '../theme.js';

export const HINTS: Record<Screen, string> = {
  chapters: '↑↓ choose · Enter open · a as Ansible · c check · m map · ? help · q quit',
  lesson: '↑↓ space scroll · Enter steps · a as Ansible · n/p chapter · c check · ? help',
  step: 'r run · t type it · e explain · c check · a as Ansible · n/p step · Esc · ? help',
  checks: '↑↓ scroll · Esc back · a as Ansible · n/p chapter · m map · ? help · q quit',
  topology: '↑↓ scroll · Esc back · ? help · q quit',
};

/** The bottom row: the latest notice if any, else the keys that matter on this screen. */
export function Footer({ screen, notice }: { screen: Screen; notice?: Notice }) {
  const color = useColor();
  if (notice) {
    return (
      <Text wrap="truncate-end" color={color(notice.tone === 'error' ? 'red' : 'yellow')}>
        {notice.text}
      </Text>
    );
  }
  return (
    <Text wrap="truncate-end" dimColor>
      {HINTS[screen]}
    </Text>
  );
}
