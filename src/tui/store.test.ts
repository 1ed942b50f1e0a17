import { describe, expect, it } from 'vitest';
import { classicLab } from '../../test/fixtures/tui-labs.js';
import { OUTPUT_LINES_KEPT, applyEngineEvent, createTutorStore, finishRun } from './store.js';

const started = () => {
  const store = createTutorStore(classicLab);
  store.setState({
    steps: [
      { id: 'a', title: 'A', why: '', host: 'local', actions: [] },
      { id: 'b', title: 'B', why: '', host: 'server', actions: [] },
    ],
    run: { chapter: 'c1', step: 'a', status: 'running', cancelRequested: false, startedAt: 0, output: [], partial: '', actions: [] },
  });
  return store;
};

describe('applyEngineEvent', () => {
  it('joins streamed chunks into lines, keeping the unfinished one apart', () => {
    const store = started();
    for (const text of ['hel', 'lo\nwor', 'ld\r\nand'])
      applyEngineEvent(store, { type: 'output', chapter: 'c1', step: 'a', host: 'local', stream: 'stdout', text });
    expect(store.getState().run).toMatchObject({ output: ['hello', 'world'], partial: 'and' });
  });

  it('records actions as lines in order with the output, and follows the step being run', () => {
    const store = started();
    applyEngineEvent(store, { type: 'output', chapter: 'c1', step: 'a', host: 'local', stream: 'stdout', text: 'x' });
    applyEngineEvent(store, { type: 'action', chapter: 'c1', step: 'a', host: 'local', description: 'touch /f\nsecond line', changed: true });
    applyEngineEvent(store, { type: 'step-start', chapter: 'c1', step: 'b', title: 'B', host: 'server' });
    const state = store.getState();
    expect(state.run?.output).toEqual(['x', '▸ touch /f — changed', '── B (on server) ──']);
    expect(state.run?.step).toBe('b');
    expect(state.stepIndex).toBe(1);
  });

  it('keeps the failure message and fix, leaves the final status to finishRun, and ignores other chapters', () => {
    const store = started();
    applyEngineEvent(store, { type: 'output', chapter: 'other', step: 'a', host: 'local', stream: 'stdout', text: 'nope\n' });
    applyEngineEvent(store, { type: 'step-failed', chapter: 'c1', step: 'a', host: 'local', message: 'exited 3', fix: 'do this' });
    expect(store.getState().run).toMatchObject({ status: 'running', output: [], message: 'exited 3', fix: 'do this' });
    finishRun(store, 'failed');
    expect(store.getState().run).toMatchObject({ status: 'failed', message: 'exited 3', fix: 'do this' });
    expect(store.getState().run?.endedAt).toBeTypeOf('number');
  });

  it('bounds the output it keeps', () => {
    const store = started();
    const text = Array.from({ length: OUTPUT_LINES_KEPT + 50 }, (_, i) => `line ${i}\n`).join('');
    applyEngineEvent(store, { type: 'output', chapter: 'c1', step: 'a', host: 'local', stream: 'stderr', text });
    const output = store.getState().run!.output;
    expect(output).toHaveLength(OUTPUT_LINES_KEPT);
    expect(output.at(-1)).toBe(`line ${OUTPUT_LINES_KEPT + 49}`);
  });
});
