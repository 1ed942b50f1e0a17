import { Box, Text, useInput } from 'ink';
import { useStore } from 'zustand';
import type { Intents } from '../intents.js';
import { keysToIntents } from '../keymap.js';
import { currentChapter, currentStep, visibleNotice, type TutorState, type TutorStore } from '../store.js';
import { useTerminalSize } from '../use-terminal-size.js';
import { ChapterList } from './ChapterList.js';
import { CheckResults } from './CheckResults.js';
import { Footer } from './Footer.js';
import { Header } from './Header.js';
import { HelpOverlay } from './HelpOverlay.js';
import { LessonView } from './LessonView.js';
import { StepView } from './StepView.js';
import { Topology } from './Topology.js';

export interface AppProps {
  store: TutorStore;
  intents: Intents;
  sshHint: (host: string) => string;
}

function place(state: TutorState): string {
  const chapter = currentChapter(state);
  const title = chapter ? `${String(chapter.meta.number).padStart(2, '0')} ${chapter.meta.title}` : '';
  switch (state.screen) {
    case 'chapters':
      return 'chapters';
    case 'lesson':
      return `${title} · lesson`;
    case 'step':
      return `${title} · step ${state.stepIndex + 1}/${state.steps.length}`;
    case 'checks': {
      const checked = state.chapters.find((c) => c.meta.id === state.checks?.chapter);
      return `${checked?.meta.title ?? ''} · checks`;
    }
    case 'topology':
      return 'map of the lab';
  }
}

/** The tutor: a header, the current screen (or the help over it) and a footer, sized to the terminal. */
export function App({ store, intents, sshHint }: AppProps) {
  const state = useStore(store);
  const { columns, rows } = useTerminalSize();
  useInput((input, key) => {
    for (const intent of keysToIntents(input, key)) intents.dispatch(intent);
  });
  // One row stays free below the footer: a frame as tall as the terminal makes Ink clear the screen on every update.
  const height = Math.max(3, rows - 3);
  const view = { width: columns, height, scroll: state.scroll, onScrollMax: intents.reportScrollMax };
  const step = currentStep(state);
  let body;
  if (state.loading) body = <Text dimColor>Reading your progress…</Text>;
  else if (state.help) body = <HelpOverlay width={columns} />;
  else if (state.screen === 'chapters') body = <ChapterList chapters={state.chapters} cursor={state.chapterCursor} width={columns} height={height} />;
  else if (state.screen === 'lesson' && state.lesson)
    body = <LessonView markdown={state.lesson.markdown} closing={state.lesson.automation} onAnchor={intents.reportLessonAnchor} {...view} />;
  else if (state.screen === 'step' && step)
    body = (
      <StepView
        step={step}
        index={state.stepIndex}
        total={state.steps.length}
        panel={state.panel}
        run={state.run?.step === step.id ? state.run : undefined}
        sshHint={sshHint(step.host)}
        {...view}
      />
    );
  else if (state.screen === 'checks' && state.checks) {
    const title = state.chapters.find((c) => c.meta.id === state.checks?.chapter)?.meta.title ?? state.checks.chapter;
    body = <CheckResults checks={state.checks} title={title} {...view} />;
  } else if (state.screen === 'topology') body = <Topology lab={state.lab} height={height} scroll={state.scroll} onScrollMax={intents.reportScrollMax} />;
  else body = <Text dimColor>Nothing to show here: press Esc.</Text>;
  return (
    <Box flexDirection="column" width={columns}>
      <Header labName={state.lab.name} place={place(state)} />
      <Box flexDirection="column" height={height} overflow="hidden">
        {body}
      </Box>
      <Footer screen={state.screen} notice={visibleNotice(state)} />
    </Box>
  );
}
