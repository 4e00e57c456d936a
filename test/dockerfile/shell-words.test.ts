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
    ['$-x', '$-x'],
  ])('%s → %s', (word, value) => {
    const r = expand(word);
    expect(r.ok && r.value.value).toBe(value);
  });

  it('uses the escape directive character', () => {
    const r = expand('`$A\\x', '`');
    expect(r.ok && r.value.value).toBe('$A\\x');
  });

  it('lists variables that had no value', () => {
    const r = expand('${NOPE}:${EMPTY}:${A}:${OTHER:-x}');
    expect(r.ok && r.value.unset.sort()).toEqual(['EMPTY', 'NOPE', 'OTHER']);
  });

  it.each([
    ['${NOPE:?must be set}', 'NOPE: must be set'],
    ['${EMPTY?}', ''],
    ['${A', 'missing "}" in "${A"'],
    ['${A%x}', 'unsupported substitution "${A%..." in "${A%x}"'],
    ['${}', 'bad substitution in "${}"'],
    ["'open", `unterminated single quote in "'open"`],
  ])('%s fails: %s', (word, error) => {
    const r = expand(word);
    if (error === '') expect(r.ok).toBe(true);
    else expect(r).toEqual({ ok: false, error });
  });
});
