/** What the engine reports while it works: the CLI prints these, the TUI stores them. */
export type EngineEvent =
  | { type: 'step-start'; chapter: string; step: string; title: string; host: string }
  | { type: 'action'; chapter: string; step: string; host: string; description: string; changed: boolean }
  | { type: 'output'; chapter: string; step: string; host: string; stream: 'stdout' | 'stderr'; text: string }
  | { type: 'step-done'; chapter: string; step: string; changed: number }
  | { type: 'step-failed'; chapter: string; step: string; host: string; message: string; fix?: string };

export type EventSink = (event: EngineEvent) => void;
