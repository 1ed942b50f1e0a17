import { randomBytes } from 'node:crypto';

/**
 * One script per host. Every check's gather snippet runs in its own subshell (a snippet that fails
 * or exits cannot take the others down), each preceded by a marker line holding a random nonce, so
 * no output of a check can forge the boundary of another. A subshell is a fork without an exec:
 * wrapping every snippet in `timeout sh -c` cost ten times more, so the time limit is applied by the
 * primitives that run open-ended commands (`command`), through KTHW_CHECK_TIMEOUT; curl and etcdctl
 * carry their own limits.
 */
export interface BatchScript {
  script: string;
  split(stdout: string): BatchSection[];
}

export type BatchSection = { state: 'done'; output: string } | { state: 'missing' };

export function buildBatchScript(snippets: string[], checkTimeoutSeconds: number): BatchScript {
  const nonce = randomBytes(12).toString('hex');
  const prefix = `kthw-${nonce}-`;
  const lines = [
    // One scratch directory shared by the snippets (facts are written there, then encoded).
    'KTHW_FACT_DIR=$(mktemp -d 2>/dev/null) || KTHW_FACT_DIR=',
    `KTHW_CHECK_TIMEOUT=${checkTimeoutSeconds}`,
    'export KTHW_FACT_DIR KTHW_CHECK_TIMEOUT',
    `trap '[ -n "$KTHW_FACT_DIR" ] && rm -rf "$KTHW_FACT_DIR"' EXIT`,
  ];
  snippets.forEach((snippet, i) => {
    lines.push(`printf '\\n%s\\n' '${prefix}begin-${i}'`, `(\n${snippet}\n) </dev/null`);
  });
  lines.push(`printf '\\n%s\\n' '${prefix}end'`, 'exit 0');
  return {
    script: lines.join('\n'),
    split(stdout) {
      const sections: BatchSection[] = snippets.map(() => ({ state: 'missing' }));
      let current = -1;
      let buffer: string[] = [];
      for (const line of stdout.split('\n')) {
        if (!line.startsWith(prefix)) {
          buffer.push(line);
          continue;
        }
        const [label, index] = line.slice(prefix.length).split('-');
        // A section counts only once the next marker shows its snippet ran to the end.
        if (current >= 0) sections[current] = { state: 'done', output: buffer.join('\n') };
        buffer = [];
        current = label === 'begin' ? Number(index) : -1;
      }
      return sections;
    },
  };
}
