import { describe, expect, it } from 'vitest';
import { expandWord } from '../../src/dockerfile/index.js';

// Hunts for differences between kiln's `${V#p}`, `${V%p}` and `${V//p/r}` (JavaScript regular
// expressions) and BuildKit's (Go regexp, leftmost-first): random values and patterns, bounded,
// checked against a small backtracking matcher written here in BuildKit's terms (`*` and `?` never
// match a newline; characters are code points; `\` escapes `*`, `?`, `\` and `}`).

type Token = { kind: 'literal'; ch: string } | { kind: 'any' } | { kind: 'star' };

function tokens(pattern: string[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] ?? '';
    if (ch === '\\') out.push({ kind: 'literal', ch: pattern[++i] ?? '' });
    else if (ch === '*') out.push({ kind: 'star' });
    else if (ch === '?') out.push({ kind: 'any' });
    else out.push({ kind: 'literal', ch });
  }
  return out;
}

/** The end of the first match of `pattern` starting at `start`, in preference order, or -1. */
function matchAt(pattern: Token[], text: string[], start: number, greedy: boolean): number {
  const go = (t: number, at: number): number => {
    const token = pattern[t];
    if (token === undefined) return at;
    if (token.kind === 'literal') return text[at] === token.ch ? go(t + 1, at + 1) : -1;
    if (token.kind === 'any') return at < text.length && text[at] !== '\n' ? go(t + 1, at + 1) : -1;
    let max = at;
    while (max < text.length && text[max] !== '\n') max++;
    for (let i = 0; i <= max - at; i++) {
      const end = go(t + 1, greedy ? max - i : at + i);
      if (end !== -1) return end;
    }
    return -1;
  };
  return go(0, start);
}

function trimOracle(pattern: string[], value: string[], greedy: boolean, suffix: boolean): string {
  const p = tokens(pattern);
  const text = suffix ? [...value].reverse() : value;
  const end = matchAt(suffix ? p.reverse() : p, text, 0, greedy);
  const rest = end === -1 ? text : text.slice(end);
  return (suffix ? rest.reverse() : rest).join('');
}

function replaceAllOracle(pattern: string[], value: string[], replacement: string): string {
  const p = tokens(pattern);
  let out = '';
  let lastEnd = 0;
  for (let searchAt = 0; searchAt <= value.length; ) {
    let start = searchAt;
    let end = -1;
    for (; start <= value.length && end === -1; start++) end = matchAt(p, value, start, true);
    if (end === -1) break;
    start--;
    out += value.slice(lastEnd, start).join('');
    if (end > lastEnd || start === 0) out += replacement;
    lastEnd = end;
    searchAt = searchAt + 1 > end ? searchAt + 1 : end;
  }
  return out + value.slice(lastEnd).join('');
}

// A seeded generator, so a failure can be replayed.
function random(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s >>> 16) % n;
  };
}

describe('pattern substitutions agree with a leftmost-first matcher', () => {
  const valueChars = ['a', 'b', 'a', '*', '?', '\\', '}', '\n', '👽'];
  const patternParts = ['a', 'b', '*', '*', '?', '\\*', '\\?', '\\\\', '\\}', '👽'];
  const pick = <T>(list: T[], next: (n: number) => number): T => list[next(list.length)] as T;

  it('trims and replaces like BuildKit on 3000 random cases', () => {
    const next = random(10);
    for (let n = 0; n < 3000; n++) {
      const value = Array.from({ length: next(8) }, () => pick(valueChars, next));
      const parts = Array.from({ length: next(5) }, () => pick(patternParts, next));
      const pattern = Array.from(parts.join(''));
      const source = parts.join('');
      const lookup = (name: string) => (name === 'V' ? value.join('') : undefined);
      const run = (word: string) => {
        const result = expandWord(word, { escapeChar: '\\', lookup });
        if (!result.ok) throw new Error(`${JSON.stringify(word)} failed: ${result.error}`);
        return result.value.value;
      };
      const context = JSON.stringify({ value: value.join(''), pattern: source });
      expect(run(`\${V#${source}}`), context).toBe(trimOracle(pattern, value, false, false));
      expect(run(`\${V##${source}}`), context).toBe(trimOracle(pattern, value, true, false));
      expect(run(`\${V%${source}}`), context).toBe(trimOracle(pattern, value, false, true));
      expect(run(`\${V%%${source}}`), context).toBe(trimOracle(pattern, value, true, true));
      if (!source.startsWith('/')) expect(run(`\${V//${source}/-}`), context).toBe(replaceAllOracle(pattern, value, '-'));
    }
  });

  it('never throws on random words of the lexer alphabet', () => {
    const next = random(7);
    const alphabet = ['$', '{', '}', ':', '-', '+', '?', '#', '%', '/', '\\', "'", '"', 'V', 'A', '*', ' ', '<', '1', '@'];
    for (let n = 0; n < 5000; n++) {
      const word = Array.from({ length: 1 + next(12) }, () => pick(alphabet, next)).join('');
      const result = expandWord(word, { escapeChar: n % 2 ? '\\' : '`', lookup: (name) => (name === 'V' ? 'v*v' : name === 'A' ? '' : undefined) });
      expect(typeof result.ok, word).toBe('boolean');
    }
  });
});
