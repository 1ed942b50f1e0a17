import { describe, expect, it } from 'vitest';
import { KEY_HELP, keyToIntent, keysToIntents } from './keymap.js';

describe('keyToIntent', () => {
  it('maps the documented keys', () => {
    expect(keyToIntent('c', { ctrl: true })).toEqual({ type: 'interrupt' });
    expect(keyToIntent('', { upArrow: true })).toEqual({ type: 'move', delta: -1 });
    expect(keyToIntent('j', {})).toEqual({ type: 'move', delta: 1 });
    expect(keyToIntent('k', {})).toEqual({ type: 'move', delta: -1 });
    expect(keyToIntent('', { return: true })).toEqual({ type: 'select' });
    expect(keyToIntent('', { escape: true })).toEqual({ type: 'back' });
    for (const [input, type] of [
      ['r', 'run'],
      ['R', 'run-rest'],
      ['t', 'type'],
      ['e', 'explain'],
      ['c', 'check'],
      ['n', 'next'],
      ['p', 'previous'],
      ['?', 'help'],
      ['q', 'quit'],
      ['m', 'topology'],
      ['a', 'automation'],
      ['x', 'reset'],
    ] as const) {
      expect(keyToIntent(input, {})).toEqual({ type });
    }
  });

  it('ignores other keys and other control combinations', () => {
    expect(keyToIntent('z', {})).toBeUndefined();
    expect(keyToIntent('r', { ctrl: true })).toBeUndefined();
  });

  it('documents every letter key in the help', () => {
    const documented = KEY_HELP.map(([k]) => k).join(' ');
    for (const letter of ['j', 'k', 'r', 'R', 't', 'e', 'c', 'n', 'p', 'm', 'a', 'x', '?', 'q']) expect(documented).toContain(letter);
  });
});

describe('keysToIntents', () => {
  it('splits a burst of typed characters into one intent each', () => {
    expect(keysToIntents('j\r', {})).toEqual([{ type: 'move', delta: 1 }, { type: 'select' }]);
    expect(keysToIntents('rz\u0003', {})).toEqual([{ type: 'run' }, { type: 'interrupt' }]);
  });

  it('passes single keys and escape sequences through', () => {
    expect(keysToIntents('', { downArrow: true })).toEqual([{ type: 'move', delta: 1 }]);
    expect(keysToIntents('q', {})).toEqual([{ type: 'quit' }]);
  });
});
