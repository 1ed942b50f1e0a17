import { describe, expect, it } from 'vitest';
import type { Plan } from '../plan/types.js';
import { composeLesson } from './lesson-document.js';

const plan: Plan = {
  chapter: 'c',
  checks: [],
  steps: [
    { id: 'one', title: 'First', why: '', host: 'server', actions: [{ kind: 'command', run: 'echo one' }] },
    { id: 'two', title: 'Second', why: '', host: 'node-0', actions: [{ kind: 'file', path: '/x', mode: '0644', content: 'has ``` fences\n' }] },
  ],
};

describe('composeLesson', () => {
  it('puts each step where the lesson marks it, with its host, and lists the rest at the end', () => {
    const text = composeLesson('# T\n\n<!-- step: one -->\n\nafter\n', plan);
    expect(text).toMatch(/# T\n\n\*\*First\*\* — on `server`\n\n```sh\n# on server\necho one\n```\n\nafter/);
    expect(text).toMatch(/## Your commands\n\n\*\*Second\*\* — on `node-0`/);
  });

  it('fences code longer than any backtick run inside it', () => {
    const text = composeLesson('<!-- step: two -->', plan);
    expect(text).toContain('````sh\n# on node-0\n');
    expect(text).toMatch(/has ``` fences\nEOF\nchmod 0644 \/x\n````/);
  });

  it('says so when a lesson names a step the plan does not have', () => {
    expect(composeLesson('<!-- step: nope -->', plan)).toContain('a step `nope` that your plan does not have');
  });
});
