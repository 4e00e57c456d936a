import type { CliIO } from './io.js';

/**
 * Runs work with an AbortSignal that fires on the first SIGINT/SIGTERM (or when the caller's own
 * signal aborts). A second Ctrl-C exits at once with 130, for when stopping cleanly takes too long.
 */
export async function withInterrupt<T>(io: CliIO, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const abort = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  const parent = io.signal;
  parent?.addEventListener('abort', abort, { once: true });
  process.on('SIGINT', abort);
  process.on('SIGTERM', abort);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', abort);
    process.off('SIGTERM', abort);
    parent?.removeEventListener('abort', abort);
  }
}
