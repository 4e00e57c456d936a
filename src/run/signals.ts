import { ExitCode } from '../cli/exit-codes.js';

/** The signals that interrupt a run. */
export type InterruptSignal = 'SIGINT' | 'SIGTERM';

/** The parts of `process` an interrupt needs; a fake in tests. */
export interface SignalSource {
  on(event: InterruptSignal, listener: (signal: InterruptSignal) => void): unknown;
  off(event: InterruptSignal, listener: (signal: InterruptSignal) => void): unknown;
  exit(code: number): never;
}

/** A run's cancellation, driven by the process's signals. Dispose it when the run ends. */
export interface InterruptController extends Disposable {
  /** Aborted by the first SIGINT/SIGTERM; hand it to the run. */
  readonly signal: AbortSignal;
  /** The signal that interrupted the run, once one did. */
  readonly interruptedBy: InterruptSignal | undefined;
  /** Removes the handlers (same as `[Symbol.dispose]`). */
  dispose(): void;
}

const signals: readonly InterruptSignal[] = ['SIGINT', 'SIGTERM'];

/**
 * First SIGINT/SIGTERM: aborts the run (running builds are cancelled, nothing new starts, reporters
 * see the signal abort and show "interrupted, stopping builds…"). A second one: exit 130 at once,
 * for a user who will not wait for builds to wind down.
 */
export function interruptController(
  source: SignalSource,
  options: { controller?: AbortController; onInterrupt?: (signal: InterruptSignal) => void } = {},
): InterruptController {
  const controller = options.controller ?? new AbortController();
  let interruptedBy: InterruptSignal | undefined;
  const onSignal = (signal: InterruptSignal): void => {
    if (interruptedBy !== undefined) {
      source.exit(ExitCode.interrupted);
      return;
    }
    interruptedBy = signal;
    controller.abort(new DOMException(`interrupted by ${signal}`, 'AbortError'));
    options.onInterrupt?.(signal);
  };
  for (const signal of signals) source.on(signal, onSignal);
  const dispose = (): void => {
    for (const signal of signals) source.off(signal, onSignal);
  };
  return {
    signal: controller.signal,
    get interruptedBy() {
      return interruptedBy;
    },
    dispose,
    [Symbol.dispose]: dispose,
  };
}
