import { describe, expect, it } from 'vitest';
import { expandWord } from '../../src/dockerfile/index.js';

const vars: Record<string, string> = { A: 'a', EMPTY: '', PATH_: '/x' };
const expand = (word: string, escapeChar = '\\') => expandWord(word, { escapeChar, lookup: (n) => vars[n] });

describe('expandWord', () => {
  it.each([
    ['$A', 'a'],
    ['${A}b', 'ab'],
    ['$Ab', ''],
    ['${NOPE:-d}', 'd'],
    ['${EMPTY:-d}', 'd'],
    ['${EMPTY-d}', ''],
    ['${NOPE-d}', 'd'],
    ['${A:+alt}', 'alt'],
    ['${EMPTY:+alt}', ''],
    ['${EMPTY+alt}', 'alt'],
    ['${NOPE:-${A}x}', 'ax'],
    ["'$A'", '$A'],
    ['"$A"b', 'ab'],
    ['\\$A', '$A'],
    ['"\\$A"', '$A'],
    ['a$', 'a$'],
    ['$-x', 'x'],
    ['$.x', '$.x'],
    ['${NOPE:-"3.21"}', '3.21'],
    ["${A:+'x y'}", 'x y'],
    ['${NOPE:-"a}b"}', 'a}b'],
    ['${A#a}', ''],
    ['${PATH_%/*}', ''],
  ])('%s → %s', (word, value) => {
    const r = expand(word);
    expect(r.ok && r.value.value).toBe(value);
  });

  it('uses the escape directive character', () => {
    const r = expand('`$A\\x', '`');
    expect(r.ok && r.value.value).toBe('$A\\x');
  });

  it('lists variables that had no value and no default', () => {
    const r = expand('${NOPE}:${EMPTY}:${A}:${OTHER:-x}:${LAST:-}');
    expect(r.ok && r.value.unset.sort()).toEqual(['EMPTY', 'LAST', 'NOPE']);
  });

  it.each([
    ['${NOPE:?must be set}', 'NOPE: must be set'],
    ['${NOPE?}', 'NOPE: is not allowed to be unset'],
    ['${EMPTY:?}', 'EMPTY: is not allowed to be empty'],
    ['${EMPTY?}', ''],
    ['${A', "syntax error: missing '}'"],
    ['${A:%x}', 'unsupported modifier (:%) in substitution'],
    ['${A=x}', 'unsupported modifier (=) in substitution'],
    ['${A#\\x}', "invalid pattern (\\x) in substitution: invalid escape '\\x'"],
    ['${A/x}', "syntax error: missing '/' in ${}"],
    ['${}', 'syntax error: bad substitution'],
    ["'open", 'unexpected end of statement while looking for matching single-quote'],
  ])('%s fails: %s', (word, error) => {
    const r = expand(word);
    if (error === '') expect(r.ok).toBe(true);
    else expect(r).toEqual({ ok: false, error });
  });
});

describe('word splitting', () => {
  it("splits at Go's unicode.IsSpace characters, not JavaScript's \\s", () => {
    const words = (text: string) => {
      const r = expandWord('a$X b', { escapeChar: '\\', lookup: () => text });
      return r.ok && r.value.words;
    };
    expect(words('\u0085c')).toEqual(['a', 'c', 'b']);
    expect(words('\u3000c')).toEqual(['a', 'c', 'b']);
    expect(words('\ufeffc')).toEqual(['a\ufeffc', 'b']);
  });
});
