/**
 * Stands in for cli-highlight inside marked-terminal when the tutor is bundled (scripts/build.mjs
 * aliases it): cli-highlight loads highlight.js with every language it knows, about 19 MB of memory
 * and a third of a second, for colours a lesson's shell snippets do not need. Code is shown in one
 * colour instead, line by line so each terminal row carries its own escape codes.
 */
export function highlight(code: string): string {
  return code
    .split('\n')
    .map((line) => (line === '' ? line : `\u001b[33m${line}\u001b[39m`))
    .join('\n');
}
