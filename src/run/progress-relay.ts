import type { BuildProgress } from '../engine/engine.js';
import type { BuildEvent } from './events.js';
import { unreachable } from '../util/unreachable.js';

/** How many trailing log lines a `failed` event carries. */
export const failureLogLines = 20;

/** Emits an event with the run's common fields (time, round) filled in. */
export type Emit = (event: DistributiveOmit<BuildEvent, 'time' | 'round'>) => void;

/** Omit over each member of a union. */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * Turns one build's engine progress into `step` and `log` events, and remembers what a `failed`
 * event needs when the error itself does not say: the step that reported an error (or the last
 * one that started) and the last log lines.
 */
export class ProgressRelay {
  readonly #image: string;
  readonly #emit: Emit;
  readonly #recentLogs: string[] = [];
  #lastStep: string | undefined;
  #erroredStep: string | undefined;

  constructor(options: { image: string; emit: Emit }) {
    this.#image = options.image;
    this.#emit = options.emit;
  }

  /** The callback handed to the executor. */
  readonly onProgress = (progress: BuildProgress): void => {
    switch (progress.kind) {
      case 'step':
        this.#step(progress);
        return;
      case 'log':
        for (const line of splitLines(progress.line)) {
          this.#remember(line);
          this.#emit({ type: 'log', image: this.#image, line, ...(progress.stream ? { stream: progress.stream } : {}) });
        }
        return;
      default:
        unreachable(progress);
    }
  };

  /** The step to blame for a failure, if progress named one. */
  get failingStep(): string | undefined {
    return this.#erroredStep ?? this.#lastStep;
  }

  /** The last log lines seen, oldest first. */
  get recentLogs(): string[] {
    return [...this.#recentLogs];
  }

  #step(progress: Extract<BuildProgress, { kind: 'step' }>): void {
    if (progress.error !== undefined) this.#erroredStep ??= progress.name;
    if (!progress.completed) this.#lastStep = progress.name;
    this.#emit({
      type: 'step',
      image: this.#image,
      name: progress.name,
      ...(progress.index !== undefined ? { index: progress.index } : {}),
      ...(progress.total !== undefined ? { total: progress.total } : {}),
      ...(progress.cached !== undefined ? { cached: progress.cached } : {}),
      ...(progress.completed !== undefined ? { completed: progress.completed } : {}),
    });
  }

  #remember(line: string): void {
    this.#recentLogs.push(line);
    if (this.#recentLogs.length > failureLogLines) this.#recentLogs.shift();
  }
}

/**
 * One chunk of output as lines. A trailing newline does not make an empty line; a chunk split
 * mid-line by the engine stays two lines, since holding text back would delay live output.
 */
export function splitLines(chunk: string): string[] {
  if (chunk === '') return [];
  const lines = chunk.split(/\r?\n/);
  if (lines.length > 1 && lines.at(-1) === '') lines.pop();
  return lines;
}
