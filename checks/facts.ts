/**
 * How gather snippets report facts. Each fact is one line `name code stdout-b64 stderr-b64`, so a
 * fact's output can hold anything (delimiter look-alikes, binary, no trailing newline) and still be
 * split unambiguously. A snippet defines the helper itself, so it runs alone too; the runner can
 * share one scratch directory between snippets through KTHW_FACT_DIR. Scratch files are named
 * after the fact, so facts of one snippet may be gathered in parallel (`kthw_fact a ... >file &`).
 */
export interface Fact {
  code: number;
  stdout: string;
  stderr: string;
}

const factPrelude = [
  `if [ -n "\${KTHW_FACT_DIR:-}" ]; then kthw_dir=$KTHW_FACT_DIR; else kthw_dir=$(mktemp -d) || exit 0; trap 'rm -rf "$kthw_dir"' EXIT; fi`,
  `kthw_fact() {`,
  `  kthw_n=$1; shift`,
  `  "$@" >"$kthw_dir/$kthw_n.o" 2>"$kthw_dir/$kthw_n.e" </dev/null`,
  `  kthw_rc=$?`,
  `  printf '%s %s ' "$kthw_n" "$kthw_rc"`,
  `  if [ -s "$kthw_dir/$kthw_n.o" ]; then base64 -w 0 <"$kthw_dir/$kthw_n.o"; fi`,
  `  printf ' '`,
  `  if [ -s "$kthw_dir/$kthw_n.e" ]; then base64 -w 0 <"$kthw_dir/$kthw_n.e"; fi`,
  `  printf '\\n'`,
  `}`,
].join('\n');

/** A gather snippet: the fact helper, then the given lines (which call `kthw_fact NAME cmd args...`). */
export function gatherScript(lines: string[]): string {
  return [factPrelude, ...lines].join('\n');
}

const factLine = /^([a-z0-9-]+) (\d+) ([A-Za-z0-9+/=]*) ([A-Za-z0-9+/=]*)$/;

export function parseFacts(text: string): Map<string, Fact> {
  const facts = new Map<string, Fact>();
  for (const line of text.split('\n')) {
    const match = factLine.exec(line);
    if (!match) continue;
    const [, name, code, out, err] = match;
    facts.set(name!, {
      code: Number(code),
      stdout: Buffer.from(out!, 'base64').toString('utf8'),
      stderr: Buffer.from(err!, 'base64').toString('utf8'),
    });
  }
  return facts;
}

/** The fact or a clear error: a missing fact means the gather snippet did not run to that point. */
export function factOf(facts: Map<string, Fact>, name: string): Fact {
  const fact = facts.get(name);
  if (!fact) throw new Error(`no "${name}" fact was gathered (the check's shell snippet stopped early)`);
  return fact;
}

/** The command's error text, first lines only, for a diagnosis. */
export function errorText(fact: Fact, maxLines = 3): string {
  const text = (fact.stderr.trim() || fact.stdout.trim() || `exit code ${fact.code}`).split('\n');
  return text.slice(0, maxLines).join(' | ');
}
