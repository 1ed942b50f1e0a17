/**
 * What shell completion needs to know about the command line, read from the commander tree itself
 * so a new command or option completes without a change here.
 */
import type { Command, Option } from 'commander';

export interface OptionSpec {
  flags: string[];
  description: string;
  /** What the option's value is: a file, a directory, something else, or no value at all. */
  value: 'file' | 'dir' | 'other' | 'none';
}

export interface CommandSpec {
  /** Names from the root, e.g. ['lab', 'up']; [] for kthw itself. */
  path: string[];
  description: string;
  options: OptionSpec[];
  /** Words the first argument may be (chapter ids, formats, shells). */
  words: string[];
  /** The first argument is a file. */
  fileArgument: boolean;
  subcommands: CommandSpec[];
}

const fileOptions = new Set(['--lab', '--to', '--output']);
const dirOptions = new Set(['--mirror']);

function optionSpec(option: Option): OptionSpec {
  const flags = [option.short, option.long].filter((f): f is string => Boolean(f));
  const long = option.long ?? '';
  const takesValue = option.required || option.optional;
  return { flags, description: option.description, value: !takesValue ? 'none' : fileOptions.has(long) ? 'file' : dirOptions.has(long) ? 'dir' : 'other' };
}

/** `argumentWords(path)`: the words the command's first argument may take, if known. */
export function commandSpec(command: Command, argumentWords: (path: string[], argument: string) => string[], path: string[] = []): CommandSpec {
  const visible = (command.options as Option[]).filter((o) => !o.hidden);
  const first = command.registeredArguments[0];
  const argName = first?.name() ?? '';
  return {
    path,
    description: command.description(),
    options: [...visible.map(optionSpec), { flags: ['-h', '--help'], description: 'display help for command', value: 'none' }],
    words: first ? argumentWords(path, argName) : [],
    fileArgument: /file|txt/.test(argName),
    subcommands: command.commands.filter((c) => c.name() !== 'help').map((c) => commandSpec(c, argumentWords, [...path, c.name()])),
  };
}

export function allCommands(root: CommandSpec): CommandSpec[] {
  return [root, ...root.subcommands.flatMap(allCommands)];
}
