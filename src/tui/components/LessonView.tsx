import { Text } from 'ink';
import { useEffect, useMemo } from 'react';
import { useMarkdown } from '../use-markdown.js';
import { useTheme } from '../theme.js';
import { ScrollView } from './ScrollView.js';

export interface LessonViewProps {
  markdown: string;
  /** The closing page ("what you did, as automation"), shown after the lesson. */
  closing?: string;
  width: number;
  height: number;
  scroll: number;
  onScrollMax?: (max: number) => void;
  /** Told the line where the closing page starts, so a key can scroll straight to it. */
  onAnchor?: (line: number) => void;
}

/** The chapter's lesson with the learner's own commands in it, then its closing page, rendered for the terminal and scrollable. */
export function LessonView({ markdown, closing, width, height, scroll, onScrollMax, onAnchor }: LessonViewProps) {
  const { color } = useTheme();
  const body = useMarkdown(markdown, width - 1, color);
  const end = useMarkdown(closing ?? '', width - 1, color);
  const lines = useMemo(() => (body && end && closing ? [...body, '', ...end] : body), [body, end, closing]);
  const anchor = body && closing ? body.length + 1 : undefined;
  useEffect(() => {
    if (anchor !== undefined && lines !== body) onAnchor?.(anchor);
  }, [anchor, lines, body, onAnchor]);
  if (!lines) return <Text dimColor>Loading the lesson…</Text>;
  return <ScrollView lines={lines} height={height} scroll={scroll} onScrollMax={onScrollMax} />;
}
