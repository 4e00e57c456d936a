import { availableParallelism } from 'node:os';

/**
 * How many images build at once by default: the CPU count, clamped to 2..4. The engine already
 * parallelizes inside one build (BuildKit runs independent stages at once, compilers use every
 * core), so more concurrent builds mostly contend for the same CPUs and disk; at least two keep
 * one slow image from holding up independent ones even on a single CPU.
 */
export function defaultConcurrency(cpus: number = availableParallelism()): number {
  return Math.max(2, Math.min(4, cpus));
}
