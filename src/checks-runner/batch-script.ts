import { randomBytes } from 'node:crypto';

/**
 * One script per host: every check's gather snippet in its own subshell (a snippet that fails or
 * exits cannot take the others down), each preceded by a marker line holding a random nonce, so
 * no output of a check can forge the boundary of another.
 */
export interface BatchScript {
  script: string;
  split(stdout: string): Array<string | undefined>;
}

export function buildBatchScript(snippets: string[]): BatchScript {
  const nonce = randomBytes(12).toString('hex');
  const marker = (label: string | number) => `kthw-${nonce}-${label}`;
  const lines = [
    // One scratch directory shared by the snippets (facts are written there, then encoded).
    'KTHW_FACT_DIR=$(mktemp -d 2>/dev/null) || KTHW_FACT_DIR=',
    `trap '[ -n "$KTHW_FACT_DIR" ] && rm -rf "$KTHW_FACT_DIR"' EXIT`,
  ];
  snippets.forEach((snippet, i) => {
    lines.push(`printf '\\n%s\\n' '${marker(i)}'`, `(\n${snippet}\n) </dev/null`);
  });
  lines.push(`printf '\\n%s\\n' '${marker('end')}'`, 'exit 0');
  return {
    script: lines.join('\n'),
    split(stdout) {
      const sections: Array<string | undefined> = snippets.map(() => undefined);
      let current = -1;
      let buffer: string[] = [];
      const close = () => {
        if (current >= 0) sections[current] = buffer.join('\n');
      };
      for (const line of stdout.split('\n')) {
        const match = line.startsWith(`kthw-${nonce}-`) ? line.slice(`kthw-${nonce}-`.length) : undefined;
        if (match === undefined) {
          buffer.push(line);
          continue;
        }
        close();
        buffer = [];
        // A section counts only once the next marker shows the snippet ran to its end.
        current = match === 'end' ? -1 : Number(match);
      }
      return sections;
    },
  };
}
