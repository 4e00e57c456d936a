import { KilnError } from '../diagnostics/diagnostic.js';
import { failureLogLines } from './progress-relay.js';

/** What a `failed` event says about an error. */
export interface FailureDetails {
  error: string;
  hint?: string;
  step?: string;
  logs: string[];
}

/** What the build progress showed before the failure, used when the error does not say. */
export interface ProgressMemory {
  failingStep: string | undefined;
  recentLogs: string[];
}

/**
 * Reads a failure the way the engine reports it. The engine's `BuildError` carries
 * `{ message, step?, logs?, kind?, hint? }`; it is duck-typed so this module does not depend on
 * the engine's implementation, and any other thrown value still yields a message.
 */
export function describeFailure(error: unknown, memory: ProgressMemory): FailureDetails {
  const fields = isRecord(error) ? error : {};
  const message = typeof fields['message'] === 'string' && fields['message'] !== '' ? fields['message'] : String(error);
  const hint = typeof fields['hint'] === 'string' ? fields['hint'] : error instanceof KilnError ? error.diagnostics.find((d) => d.hint)?.hint : undefined;
  const step = typeof fields['step'] === 'string' ? fields['step'] : memory.failingStep;
  const logs = isStringArray(fields['logs']) && fields['logs'].length > 0 ? fields['logs'].slice(-failureLogLines) : memory.recentLogs;
  return { error: message, ...(hint !== undefined ? { hint } : {}), ...(step !== undefined ? { step } : {}), logs };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
