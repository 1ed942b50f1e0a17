import { randomBytes } from 'node:crypto';
import { shq } from '../ssh/shell-quote.js';

/**
 * One script per host. Every check's gather snippet runs in its own `sh` under `timeout` (a snippet
 * that fails, exits or hangs cannot take the others down), each preceded by a marker line holding
 * a random nonce, so no output of a check can forge the boundary of another.
 */
export interface BatchScript {
  script: string;
  split(stdout: string): BatchSection[];
}

export type BatchSection = { state: 'done'; output: string } | { state: 'timed-out' } | { state: 'missing' };

export function buildBatchScript(snippets: string[], checkTimeoutSeconds: number): BatchScript {
  const nonce = randomBytes(12).toString('hex');
  const prefix = `kthw-${nonce}-`;
  const lines = [
    // One scratch directory shared by the snippets (facts are written there, then encoded).
    'KTHW_FACT_DIR=$(mktemp -d 2>/dev/null) || KTHW_FACT_DIR=',
    'export KTHW_FACT_DIR',
    `trap '[ -n "$KTHW_FACT_DIR" ] && rm -rf "$KTHW_FACT_DIR"' EXIT`,
  ];
  snippets.forEach((snippet, i) => {
    lines.push(
      `printf '\\n%s\\n' '${prefix}begin-${i}'`,
      // timeout signals its whole process group: a hung command under the snippet dies too.
      `timeout -k 2 ${checkTimeoutSeconds} sh -c ${shq(snippet)} </dev/null`,
      `[ $? -eq 124 ] && printf '\\n%s\\n' '${prefix}timeout-${i}'`,
    );
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
        if (current >= 0 && sections[current]!.state === 'missing') sections[current] = { state: 'done', output: buffer.join('\n') };
        buffer = [];
        if (label === 'timeout') sections[Number(index)] = { state: 'timed-out' };
        current = label === 'begin' ? Number(index) : -1;
      }
      return sections;
    },
  };
}
