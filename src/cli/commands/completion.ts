import type { Command } from 'commander';
import { chapters } from '../../../chapters/index.js';
import { UsageError } from '../../util/errors.js';
import { completionScript, shells, type Shell } from '../completion/scripts.js';
import { commandSpec } from '../completion/spec.js';

/** The words a command's first argument may take: chapter ids, formats, shells. */
function argumentWords(path: string[], argument: string): string[] {
  const ids = chapters.map((c) => c.meta.id);
  if (argument === 'chapter') return path[0] === 'verify' ? [...ids, 'all'] : ids;
  if (argument === 'format') return ['ansible'];
  if (argument === 'shell') return [...shells];
  return [];
}

/** `kthw completion bash|zsh|fish`: prints the script; the shell loads it. */
export default function completion(command: Command, shell: string): Promise<number> {
  if (!(shells as readonly string[]).includes(shell)) {
    return Promise.reject(
      new UsageError(`no completion for shell ${JSON.stringify(shell)}`, { where: 'kthw completion SHELL', fix: `use one of: ${shells.join(', ')}` }),
    );
  }
  let root = command;
  while (root.parent) root = root.parent;
  process.stdout.write(completionScript(shell as Shell, commandSpec(root, argumentWords)));
  return Promise.resolve(0);
}
