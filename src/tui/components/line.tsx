import { Text } from 'ink';
import { useColor } from '../theme.js';

/** A piece of a line with its own style; a plain string is a line in the default style. */
export interface Span {
  text: string;
  color?: string;
  bold?: boolean;
  dim?: boolean;
  inverse?: boolean;
}

export type Line = string | Span[];

/** One terminal row: never wraps (long lines are cut), so screens keep their height. */
export function LineView({ line }: { line: Line }) {
  const color = useColor();
  if (typeof line === 'string') return <Text wrap="truncate-end">{line === '' ? ' ' : line}</Text>;
  return (
    <Text wrap="truncate-end">
      {line.map((span, i) => (
        <Text key={i} color={span.color && color(span.color)} bold={span.bold} dimColor={span.dim} inverse={span.inverse}>
          {span.text}
        </Text>
      ))}
    </Text>
  );
}
