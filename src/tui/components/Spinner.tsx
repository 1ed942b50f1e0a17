import { Text } from 'ink';
import { useColor } from '../theme.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** A spinner frame chosen by time, so it needs no timer of its own (the caller re-renders). */
export function Spinner({ now }: { now: number }) {
  const color = useColor();
  return <Text color={color('cyan')}>{FRAMES[Math.floor(now / 100) % FRAMES.length]}</Text>;
}

export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
}
