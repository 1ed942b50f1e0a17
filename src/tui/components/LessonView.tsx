import { Text } from 'ink';
import { useMarkdown } from '../use-markdown.js';
import { useTheme } from '../theme.js';
import { ScrollView } from './ScrollView.js';

export interface LessonViewProps {
  markdown: string;
  width: number;
  height: number;
  scroll: number;
  onScrollMax?: (max: number) => void;
}

/** The chapter's lesson with the learner's own commands in it, rendered for the terminal and scrollable. */
export function LessonView({ markdown, width, height, scroll, onScrollMax }: LessonViewProps) {
  const { color } = useTheme();
  const lines = useMarkdown(markdown, width - 1, color);
  if (!lines) return <Text dimColor>Loading the lesson…</Text>;
  return <ScrollView lines={lines} height={height} scroll={scroll} onScrollMax={onScrollMax} />;
}
