/** The process's streams and environment as a command sees them, so tests and the entry agree. */
export interface CliIo {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly stdinIsTTY: boolean;
  readonly env: NodeJS.ProcessEnv;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTTY: process.stdin.isTTY === true,
    env: process.env,
  };
}

/** Live progress (bars) only on a terminal, off CI and without --json; otherwise one line per event. */
export function wantsLiveProgress(io: CliIo, json: boolean): boolean {
  return !json && io.stdout.isTTY === true && io.stderr.isTTY === true && !io.env.CI;
}

/** Terminal width: the terminal's, else COLUMNS, else 80. */
export function terminalColumns(io: CliIo): number {
  return io.stderr.columns || Number(io.env.COLUMNS) || 80;
}

/** The reader of a pipe went away (`batchops report … | head`): it wants no more output. */
export const isClosedPipe = (error: unknown) =>
  (error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE';

/**
 * A closed pipe ends the command quietly with 0, as `cat` and `git log` do under `| head`: what is
 * left to write has no reader. Other stream errors stay errors.
 */
export function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream, exit: (code: number) => void): void {
  stream.on('error', (error) => {
    if (!isClosedPipe(error)) throw error;
    exit(0);
  });
}
