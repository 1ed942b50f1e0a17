/**
 * When the reader of kthw's output goes away (`kthw … | head -1`), writing to stdout or stderr fails
 * with EPIPE. Node reports that as an unhandled 'error' event: a stack trace. kthw stops quietly
 * instead, with the exit code the command had reached (0 when none yet): the output was wanted only
 * up to where the reader stopped. Installed once, for every command, before anything is written.
 */
export function endQuietlyWhenReaderGoes(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') {
        const code = process.exitCode;
        process.exit(typeof code === 'number' ? code : 0);
      }
      throw error;
    });
  }
}
