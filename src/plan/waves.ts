/**
 * Orders nodes dependencies-first in waves (Kahn's algorithm): every wave only needs earlier waves.
 * The graph must be acyclic; the planner checks that first.
 */
export function toWaves(names: string[], dependenciesOf: (name: string) => string[]): string[][] {
  const remaining = new Map(names.map((n) => [n, dependenciesOf(n).filter((d) => names.includes(d)).length]));
  const dependents = new Map<string, string[]>(names.map((n) => [n, []]));
  for (const n of names) for (const d of dependenciesOf(n)) dependents.get(d)?.push(n);
  const waves: string[][] = [];
  let wave = names.filter((n) => remaining.get(n) === 0);
  while (wave.length > 0) {
    waves.push(wave);
    const next: string[] = [];
    for (const n of wave) {
      for (const m of dependents.get(n) ?? []) {
        const left = remaining.get(m)! - 1;
        remaining.set(m, left);
        if (left === 0) next.push(m);
      }
    }
    // Keep manifest order inside a wave, so output is stable.
    wave = names.filter((n) => next.includes(n));
  }
  return waves;
}
