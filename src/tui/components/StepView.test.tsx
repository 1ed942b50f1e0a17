import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { Step } from '../../plan/types.js';
import { StepView } from './StepView.js';

const step: Step = {
  id: 's',
  title: 'Start etcd',
  why: 'etcd keeps the **whole** cluster state.',
  host: 'server',
  actions: [{ kind: 'unit', unit: 'etcd', enabled: true, state: 'started' }],
};
const props = { step, index: 1, total: 4, sshHint: 'kthw lab ssh server', width: 80, height: 20, scroll: 0 };

describe('StepView', () => {
  it('shows the step, its host, the three ways on and a preview of the commands', () => {
    const frame = render(<StepView {...props} panel="menu" />).lastFrame()!;
    expect(frame.split('\n')[0]).toBe('Step 2/4 · Start etcd · on server');
    expect(frame).toContain('etcd keeps the whole cluster state.');
    expect(frame).toMatch(/r {2}run it for me/);
    expect(frame).toMatch(/t {2}I'll type it myself/);
    expect(frame).toMatch(/e {2}explain/);
    expect(frame).toContain('systemctl enable --now etcd');
  });

  it('switches to the panel asked for', () => {
    expect(render(<StepView {...props} panel="type" />).lastFrame()).toContain('kthw lab ssh server');
    const run = {
      chapter: 'c',
      step: 's',
      status: 'done' as const,
      cancelRequested: false,
      startedAt: 0,
      endedAt: 1000,
      output: ['ok'],
      partial: '',
      actions: [],
    };
    expect(render(<StepView {...props} panel="run" run={run} />).lastFrame()).toContain('✓ done · 1.0s');
  });
});
