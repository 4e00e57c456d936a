/** Process exit codes, a contract with users and CI scripts (DESIGN.md). */
export const ExitCode = {
  ok: 0,
  /** A build or push failed. */
  failed: 1,
  /** Bad usage, manifest or Dockerfile. */
  usage: 2,
  /** Engine or registry unreachable or refused. */
  unavailable: 3,
  /** Interrupted (SIGINT). */
  interrupted: 130,
} as const;

/** One of the exit codes above. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
