/** The streams and environment a command runs with; tests pass their own. */
export interface CliIO {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Aborted on SIGINT; commands stop their work when it fires. */
  signal?: AbortSignal;
}

/** The process's own streams. */
export function processIO(): CliIO {
  return { cwd: process.cwd(), env: process.env, stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };
}

/** Whether to color output: never with NO_COLOR or on a non-TTY stream. */
export function useColor(io: CliIO, stream: { isTTY?: boolean } = io.stderr): boolean {
  return !('NO_COLOR' in io.env && io.env.NO_COLOR !== '') && stream.isTTY === true && io.env.TERM !== 'dumb';
}
