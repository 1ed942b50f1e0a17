import type { Command } from 'commander';
import { UsageError } from '../../util/errors.js';
import { globalOptions } from '../global-options.js';

/**
 * `kthw learn`: the guided tutor. It needs a terminal to read keys from; without one it says which
 * commands do the same work non-interactively. React and Ink load here, and only here.
 */
export default async function learn(command: Command, ..._args: string[]): Promise<number> {
  const options = globalOptions(command);
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UsageError('kthw learn is interactive and needs a terminal (stdin and stdout must be a TTY)', {
      where: process.stdin.isTTY ? 'stdout' : 'stdin',
      fix: 'run it in a terminal; in scripts use `kthw run chapter-N` to apply a chapter and `kthw verify chapter-N` to check it',
    });
  }
  // The tutor draws its first frame while the session (lab file, state, SSH pool, chapters) is loaded.
  const { startTutor } = await import('../../tui/index.js');
  const opening = import('../../app/session.js').then(({ openSession }) => openSession(options));
  try {
    return await startTutor(opening, { stdin: process.stdin, stdout: process.stdout, noColor: !options.color });
  } finally {
    await opening.then(
      (session) => session.close(),
      () => undefined, // startTutor has thrown this error already
    );
  }
}
