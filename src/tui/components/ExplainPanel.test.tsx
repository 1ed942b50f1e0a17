import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { Step } from '../../plan/types.js';
import { ExplainPanel } from './ExplainPanel.js';

const step: Step = {
  id: 'gen-key',
  title: 'Make a key',
  why: 'The key signs everything.\n\n- `-out` says where the key goes\n- `4096` is its size in bits',
  host: 'jumpbox',
  actions: [{ kind: 'command', run: 'openssl genrsa -out ca.key 4096' }],
};

describe('ExplainPanel', () => {
  it('renders the why (with what each flag means) and the commands with their host', async () => {
    const view = render(<ExplainPanel step={step} width={80} height={20} scroll={0} />);
    for (let i = 0; i < 200 && !view.lastFrame()?.includes('signs'); i++) await new Promise((r) => setTimeout(r, 20));
    const frame = view.lastFrame()!;
    expect(frame).toContain('The key signs everything.');
    expect(frame).toMatch(/\* `?-out`? says where the key goes/);
    expect(frame).toContain('Make a key — on jumpbox');
    expect(frame).toContain('openssl genrsa -out ca.key 4096');
  });

  it("lists the step's glossary after the commands: each flag with what it does", async () => {
    const withGlossary: Step = { ...step, glossary: { '-out': 'the file the key is written to.', '4096': 'the size of the key in bits.' } };
    const view = render(<ExplainPanel step={withGlossary} width={80} height={30} scroll={0} />);
    for (let i = 0; i < 200 && !view.lastFrame()?.includes('Flags and terms'); i++) await new Promise((r) => setTimeout(r, 20));
    const frame = view.lastFrame()!;
    expect(frame).toContain('Flags and terms');
    expect(frame).toMatch(/-out`? — the file the key is written to\./);
    expect(frame.indexOf('Flags and terms')).toBeGreaterThan(frame.indexOf('openssl genrsa -out ca.key 4096'));
  });
});
