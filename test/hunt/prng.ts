import { mulberry32 } from '../helpers/random.js';

/** A seeded pseudo-random generator (mulberry32): the same seed replays the same round. */
export interface Prng {
  /** The seed it started from, printed with every failure. */
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** True with probability p. */
  chance(p: number): boolean;
  /** Lowercase letters and digits, `length` of them. */
  word(length: number): string;
}

/** A generator for `seed` (any 32-bit integer). */
export function prng(seed: number): Prng {
  const next = mulberry32(seed);
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    seed,
    next,
    int,
    pick: (items) => items[int(0, items.length - 1)]!,
    chance: (p) => next() < p,
    word: (length) => Array.from({ length }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[int(0, 35)]).join(''),
  };
}

/** The seed of this test run: KILN_HUNT_SEED when set, else a fresh one. */
export function runSeed(env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = env.KILN_HUNT_SEED;
  if (fromEnv !== undefined && fromEnv !== '') return Number(fromEnv) >>> 0;
  return (Date.now() ^ (process.pid << 16)) >>> 0;
}
