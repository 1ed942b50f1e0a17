/**
 * The text of a POSIX sh command that the shell would expand or interpret: everything outside
 * single quotes, with backslash-escaped characters blanked. Double-quoted text stays in, since the
 * shell still expands `$(...)` and backquotes there. Throws on an unterminated quote.
 */
export function unquotedText(command: string): string {
  let out = '';
  let state: 'plain' | 'single' | 'double' = 'plain';
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (state === 'single') {
      if (c === "'") state = 'plain';
      continue;
    }
    if (c === '\\') {
      const next = command[i + 1];
      if (state === 'plain' || (next !== undefined && '$`"\\\n'.includes(next))) {
        out += '_';
        i++;
        continue;
      }
    }
    if (state === 'plain' && c === "'") {
      state = 'single';
      continue;
    }
    if (c === '"') state = state === 'plain' ? 'double' : 'plain';
    out += c;
  }
  if (state !== 'plain') throw new Error(`unterminated ${state} quote in: ${command}`);
  return out;
}
