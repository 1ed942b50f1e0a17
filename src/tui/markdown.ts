/**
 * Markdown to terminal lines with marked + marked-terminal. Loaded on first use (marked-terminal
 * pulls in a syntax highlighter), so the first frame does not wait for it.
 */
import { stripVTControlCharacters } from 'node:util';
import { layoutTable } from './table-layout.js';
import { wrapAnsiLine } from './wrap-ansi-line.js';

type Render = (markdown: string, width: number, color: boolean) => string[];

let loading: Promise<Render> | undefined;

export function loadMarkdownRenderer(): Promise<Render> {
  loading ??= (async () => {
    const [{ Marked }, { markedTerminal }] = await Promise.all([import('marked'), import('marked-terminal')]);
    const cache = new Map<string, InstanceType<typeof Marked>>();
    const instance = (width: number) => {
      const key = String(width);
      let marked = cache.get(key);
      if (!marked) {
        marked = new Marked().use(
          markedTerminal({ width, reflowText: true, tab: 2, emoji: false, showSectionPrefix: false }),
          inlineInListItems,
          tablesFitting(width),
        );
        cache.set(key, marked);
      }
      return marked;
    };
    return (markdown, width, color) => {
      const text = instance(Math.max(20, width)).parse(markdown, { async: false });
      const lines = text
        .replace(/\n+$/, '')
        .split('\n')
        .flatMap((line) => wrapAnsiLine(line, width));
      return color ? lines : lines.map(stripAnsi);
    };
  })();
  return loading;
}

/**
 * marked-terminal renders the text of a tight list item as its raw source (`**bold**` stays as
 * typed): render such text tokens' inline children instead, one line for wrapAnsiLine to wrap.
 * Returning false defers to it.
 */
const inlineInListItems = {
  renderer: {
    text(this: { parser: { parseInline(tokens: unknown[]): string } }, token: unknown): string | false {
      const tokens = typeof token === 'object' && token !== null ? (token as { tokens?: unknown[] }).tokens : undefined;
      // The source's line breaks inside an item are soft: joined, so the item wraps to the screen as a whole.
      return tokens ? this.parser.parseInline(tokens).replace(/ *\n\s*/g, ' ') : false;
    },
  },
};

interface InlineParser {
  parser: { parseInline(tokens: unknown[]): string };
}
interface TableToken {
  header: Array<{ tokens: unknown[] }>;
  rows: Array<Array<{ tokens: unknown[] }>>;
}

/** Tables drawn by table-layout.ts to fit `width`, instead of marked-terminal's, which never wrap a cell. */
const tablesFitting = (width: number) => ({
  renderer: {
    table(this: InlineParser, token: unknown): string {
      const { header, rows } = token as TableToken;
      // marked-terminal hides colons from its emoji pass as *#COLON|* and restores them only in its own blocks.
      const inline = (cell: { tokens: unknown[] }) => this.parser.parseInline(cell.tokens).replaceAll('*#COLON|*', ':').replace(/\s+/g, ' ').trim();
      const bold = (text: string) => `\u001b[1m${text}\u001b[22m`;
      return `${layoutTable(
        header.map(inline),
        rows.map((row) => row.map(inline)),
        width,
        bold,
      ).join('\n')}\n\n`;
    },
  },
});

// SGR and OSC-8 hyperlink sequences (what marked-terminal and the highlighter emit) go with the rest.
export const stripAnsi = (text: string): string => stripVTControlCharacters(text);
