import { acquireProjectLock, waitingMessage, type AcquireOptions, type ProjectLock } from '../run/project-lock.js';
import type { CliIO } from './io.js';

/** Where the lock is and who takes it. */
export interface RunLockOptions {
  root: string;
  command: string;
  signal?: AbortSignal | undefined;
}

/** Takes the project's run lock (src/run/project-lock.ts), printing one line on stderr when another run holds it and this one waits. */
export function acquireRunLock(io: CliIO, options: RunLockOptions): Promise<ProjectLock> {
  const acquire: AcquireOptions = {
    root: options.root,
    command: options.command,
    onWait: (owner) => io.stderr.write(`${waitingMessage(owner)}\n`),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  return acquireProjectLock(acquire);
}

/** Runs `work` holding the project's run lock (see {@link acquireRunLock}), releasing it however `work` ends. */
export async function withRunLock<T>(io: CliIO, options: RunLockOptions, work: (lock: ProjectLock) => Promise<T>): Promise<T> {
  const lock = await acquireRunLock(io, options);
  try {
    return await work(lock);
  } finally {
    lock.release();
  }
}
