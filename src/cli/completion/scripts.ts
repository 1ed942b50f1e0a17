/**
 * `kthw completion bash|zsh|fish`: completion scripts generated from the command tree. Commands,
 * subcommands, options (the global ones everywhere), chapter ids where a chapter is asked for, files
 * after --lab/--to/-o and directories after --mirror.
 */
import { allCommands, type CommandSpec, type OptionSpec } from './spec.js';

export const shells = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof shells)[number];

/** A bash word list: our names and flags are plain words, checked so a quote can never slip in. */
function bashWords(words: string[]): string {
  for (const w of words) if (!/^[A-Za-z0-9_.:@+/-]+$/.test(w)) throw new Error(`completion word ${JSON.stringify(w)} is not a plain word`);
  return words.join(' ');
}

const key = (spec: CommandSpec) => `/${spec.path.join('/')}`;

function bashScript(root: CommandSpec): string {
  const commands = allCommands(root);
  const global = root.options;
  const valueOptions = (kind: OptionSpec['value']) =>
    commands
      .flatMap((c) => c.options)
      .filter((o) => o.value === kind)
      .flatMap((o) => o.flags);
  const known = commands.filter((c) => c.path.length > 0).map(key);
  const cases = commands.map((c) => {
    const options = [...c.options, ...(c === root ? [] : global)].flatMap((o) => o.flags);
    const words = [...c.subcommands.map((s) => s.path.at(-1)!), ...c.words];
    const file = c.fileArgument ? ' COMPREPLY+=($(compgen -f -- "$cur"));' : '';
    return `    ${JSON.stringify(key(c))}) words=${JSON.stringify(bashWords([...words, ...new Set(options)]))};${file} ;;`;
  });
  const unique = (list: string[]) => [...new Set(list)];
  return `# kthw completion for bash. Load it with: source <(kthw completion bash)
_kthw() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} path="" i word words=""
  COMPREPLY=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=\${COMP_WORDS[i]}
    [ "$word" = -- ] && return 0
    case "$path/$word" in
      ${bashWords(known).split(' ').join('|')}) path="$path/$word" ;;
    esac
  done
  [ -z "$path" ] && path=/
  case "$prev" in
    ${unique(valueOptions('file')).join('|')}) COMPREPLY=($(compgen -f -- "$cur")); return 0 ;;
    ${unique(valueOptions('dir')).join('|')}) COMPREPLY=($(compgen -d -- "$cur")); return 0 ;;
    ${unique(valueOptions('other')).join('|')}) return 0 ;;
  esac
  case "$path" in
${cases.join('\n')}
  esac
  COMPREPLY+=($(compgen -W "$words" -- "$cur"))
  return 0
}
complete -F _kthw kthw
`;
}

/** zsh runs the bash function through its own bashcompinit layer: one logic for both shells. */
function zshScript(root: CommandSpec): string {
  return `#compdef kthw
# kthw completion for zsh. Load it with: source <(kthw completion zsh)
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bashScript(root).split('\n').slice(1).join('\n')}`;
}

/** A fish single-quoted string. */
const fishQuote = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function fishScript(root: CommandSpec): string {
  const lines = ['# kthw completion for fish. Load it with: kthw completion fish | source', 'complete -c kthw -f'];
  const condition = (spec: CommandSpec): string => {
    // The words typed so far lead to this command, and none of its subcommands was typed yet.
    const seen = spec.path.map((name) => `__fish_seen_subcommand_from ${name}`);
    const notYet = spec.subcommands.length ? [`not __fish_seen_subcommand_from ${spec.subcommands.map((s) => s.path.at(-1)).join(' ')}`] : [];
    return spec.path.length === 0 ? '__fish_use_subcommand' : [...seen, ...notYet].join('; and ');
  };
  const optionLine = (o: OptionSpec, when?: string) => {
    const parts = ['complete -c kthw'];
    if (when) parts.push('-n', fishQuote(when));
    for (const flag of o.flags) parts.push(flag.startsWith('--') ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`);
    if (o.value === 'file') parts.push('-r -F');
    else if (o.value === 'dir') parts.push("-r -a '(__fish_complete_directories)'");
    else if (o.value === 'other') parts.push('-r');
    parts.push('-d', fishQuote(o.description));
    return parts.join(' ');
  };
  for (const o of root.options) lines.push(optionLine(o));
  for (const spec of allCommands(root)) {
    for (const sub of spec.subcommands)
      lines.push(`complete -c kthw -n ${fishQuote(condition(spec))} -a ${fishQuote(sub.path.at(-1)!)} -d ${fishQuote(sub.description)}`);
    if (spec.path.length === 0) continue;
    const here = spec.path.map((name) => `__fish_seen_subcommand_from ${name}`).join('; and ');
    for (const o of spec.options.filter((o) => !o.flags.includes('--help'))) lines.push(optionLine(o, here));
    if (spec.words.length) lines.push(`complete -c kthw -n ${fishQuote(condition(spec))} -a ${fishQuote(spec.words.join(' '))}`);
    if (spec.fileArgument) lines.push(`complete -c kthw -n ${fishQuote(condition(spec))} -F`);
  }
  return `${lines.join('\n')}\n`;
}

export function completionScript(shell: Shell, root: CommandSpec): string {
  return shell === 'bash' ? bashScript(root) : shell === 'zsh' ? zshScript(root) : fishScript(root);
}
