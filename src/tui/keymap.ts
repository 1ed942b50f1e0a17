/** Key presses to intents: the whole keyboard of the tutor in one table (the help overlay lists it). */
export type Intent =
  | { type: 'quit' }
  | { type: 'interrupt' }
  | { type: 'help' }
  | { type: 'back' }
  | { type: 'move'; delta: number }
  | { type: 'select' }
  | { type: 'run' }
  | { type: 'run-rest' }
  | { type: 'type' }
  | { type: 'explain' }
  | { type: 'check' }
  | { type: 'next' }
  | { type: 'previous' }
  | { type: 'topology' }
  | { type: 'automation' }
  | { type: 'reset' };

/** The subset of Ink's Key the tutor reads (kept structural so this file needs no Ink import). */
export interface KeyPress {
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  return?: boolean;
  escape?: boolean;
  backspace?: boolean;
  delete?: boolean;
  ctrl?: boolean;
}

export const PAGE = 10;

export function keyToIntent(input: string, key: KeyPress): Intent | undefined {
  if (key.ctrl && input === 'c') return { type: 'interrupt' };
  if (key.upArrow) return { type: 'move', delta: -1 };
  if (key.downArrow) return { type: 'move', delta: 1 };
  if (key.pageUp) return { type: 'move', delta: -PAGE };
  if (key.pageDown) return { type: 'move', delta: PAGE };
  if (key.leftArrow) return { type: 'previous' };
  if (key.rightArrow) return { type: 'next' };
  if (key.return) return { type: 'select' };
  if (key.escape || key.backspace || key.delete) return { type: 'back' };
  if (key.ctrl) return undefined;
  return letters[input];
}

/**
 * Ink hands over a burst of plain characters (fast typing, a paste, tmux send-keys) as one input:
 * each character is then its own key press, Enter and Ctrl-C included.
 */
export function keysToIntents(input: string, key: KeyPress & { meta?: boolean }): Intent[] {
  const plain = input.length > 1 && !key.ctrl && !key.meta && !input.includes('\u001b');
  const intents = plain
    ? [...input].map((ch) => (ch === '\r' || ch === '\n' ? { type: 'select' as const } : ch === '\u0003' ? { type: 'interrupt' as const } : letters[ch]))
    : [keyToIntent(input, key)];
  return intents.filter((i): i is Intent => i !== undefined);
}

const letters: Record<string, Intent> = {
  q: { type: 'quit' },
  '?': { type: 'help' },
  j: { type: 'move', delta: 1 },
  k: { type: 'move', delta: -1 },
  ' ': { type: 'move', delta: PAGE },
  b: { type: 'move', delta: -PAGE },
  r: { type: 'run' },
  R: { type: 'run-rest' },
  t: { type: 'type' },
  e: { type: 'explain' },
  c: { type: 'check' },
  n: { type: 'next' },
  p: { type: 'previous' },
  m: { type: 'topology' },
  a: { type: 'automation' },
  x: { type: 'reset' },
};

/** What the help overlay shows, in this order. */
export const KEY_HELP: Array<[string, string]> = [
  ['↑ ↓  j k', 'move / scroll (space, b: a page)'],
  ['Enter', 'open · go on to the next step'],
  ['Esc', 'back'],
  ['n p  → ←', 'next / previous step or chapter'],
  ['r', 'run this step for me'],
  ['R', 'run the rest of the chapter from this step'],
  ['t', "I'll type it myself: commands and how to reach the host"],
  ['e', 'explain: why this step, what the flags mean'],
  ['c', "check the chapter (a step's effect)"],
  ['a', 'what you did, as automation: its Ansible role (end of lesson)'],
  ['m', 'map of the lab: hosts, roles, addresses, BGP'],
  ['x', 'reset the machines to the start of this chapter (local lab; asks first)'],
  ['Ctrl-C', 'cancel the running step; again: quit'],
  ['?', 'this help'],
  ['q', 'quit (progress is saved as you go)'],
];
