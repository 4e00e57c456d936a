import { fail, ok, type Result } from '../util/result.js';

// The pattern half of `${VAR#pat}`, `${VAR%pat}` and `${VAR/pat/repl}`, ported from BuildKit's
// frontend/dockerfile/shell/lex.go (convertShellPatternToRegex, trimPrefix, trimSuffix, and the
// Go regexp calls it makes). BuildKit's patterns have `*` and `?` and `\` escapes only: `[` is
// a literal character, not a bracket expression.

/** `value` without its shortest (or, `greedy`, longest) prefix matching `pattern`: `${VAR#pat}`, `${VAR##pat}`. */
export function trimPrefix(pattern: string, value: string, greedy: boolean): Result<string, string> {
  const regex = patternRegex(pattern, greedy, true);
  if (!regex.ok) return regex;
  const match = regex.value.exec(value);
  return ok(match ? value.slice(match.index + match[0].length) : value);
}

/** `value` without its shortest (or longest) suffix matching `pattern`: `${VAR%pat}`, `${VAR%%pat}`. */
export function trimSuffix(pattern: string, value: string, greedy: boolean): Result<string, string> {
  // As BuildKit: a regular expression cannot find the shortest rightmost match, so both the
  // pattern and the value are reversed and the prefix is trimmed instead.
  const trimmed = trimPrefix(reversePattern(pattern), reverseString(value), greedy);
  return trimmed.ok ? ok(reverseString(trimmed.value)) : trimmed;
}

/** `${VAR/pat/repl}` (the first match) and `${VAR//pat/repl}` (every match), as Go's regexp does them. */
export function replacePattern(pattern: string, value: string, replacement: string, all: boolean): Result<string, string> {
  const regex = patternRegex(pattern, true, false);
  if (!regex.ok) return regex;
  const re = regex.value;
  if (!all) {
    // BuildKit splices the replacement in as it is (no template expansion) for one match.
    const match = re.exec(value);
    return ok(match ? value.slice(0, match.index) + replacement + value.slice(match.index + match[0].length) : value);
  }
  // Go's Regexp.ReplaceAllString: successive non-overlapping matches; an empty match right after
  // a match is not replaced (JavaScript's replace would); the replacement is a template ($0, $$).
  let out = '';
  let lastEnd = 0;
  let searchAt = 0;
  while (searchAt <= value.length) {
    re.lastIndex = searchAt;
    const match = re.exec(value);
    if (!match) break;
    const start = match.index;
    const end = start + match[0].length;
    out += value.slice(lastEnd, start);
    if (end > lastEnd || start === 0) out += expandTemplate(replacement, match[0]);
    lastEnd = end;
    const width = searchAt < value.length ? String.fromCodePoint(value.codePointAt(searchAt) ?? 0).length : 1;
    searchAt = searchAt + width > end ? searchAt + width : end;
  }
  return ok(out + value.slice(lastEnd));
}

/**
 * BuildKit's convertShellPatternToRegex: `*` is `.*` (or `.*?` when not greedy), `?` is `.`,
 * `\` escapes `*`, `?` and `\` and is dropped before `}` and `/`; any other escape is an error.
 */
function patternRegex(pattern: string, greedy: boolean, anchored: boolean): Result<RegExp, string> {
  // Go's `.` is any character but a newline, by code point; JavaScript's needs `u` and [^\n].
  const any = '[^\\n]';
  let out = anchored ? '^' : '';
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] ?? '';
    if (ch === '*') out += greedy ? `${any}*` : `${any}*?`;
    else if (ch === '?') out += any;
    else if (ch === '\\') {
      const next = chars[i + 1];
      if (next === '}' || next === '/') continue;
      if (next !== '*' && next !== '?' && next !== '\\') {
        return fail(`invalid pattern (${pattern}) in substitution: invalid escape '\\${next ?? ''}'`);
      }
      out += `\\${next}`;
      i++;
    } else if ('[]{}.+()|^$'.includes(ch)) out += `\\${ch}`;
    else out += ch;
  }
  return ok(new RegExp(out, anchored ? 'u' : 'gu'));
}

/** BuildKit's reversePattern: reverses the pattern but keeps each `\x` escape in front of its character. */
function reversePattern(pattern: string): string {
  const chars = Array.from(pattern);
  const out: string[] = new Array<string>(chars.length);
  const last = chars.length - 1;
  for (let i = 0; i <= last; ) {
    const ch = chars[i] ?? '';
    const at = last - i;
    if (ch === '\\' && i !== last) {
      out[at - 1] = ch;
      out[at] = chars[i + 1] ?? '';
      i += 2;
    } else {
      out[at] = ch;
      i++;
    }
  }
  return out.join('');
}

function reverseString(text: string): string {
  return Array.from(text).reverse().join('');
}

/**
 * Go's Regexp.Expand for a pattern without groups: `$$` is `$`, `$0` / `${0}` the match, any other
 * `$name` / `${name}` nothing, and a `$` that starts no name stays as it is.
 */
function expandTemplate(template: string, match: string): string {
  let out = '';
  let rest = template;
  for (let dollar = rest.indexOf('$'); dollar !== -1; dollar = rest.indexOf('$')) {
    out += rest.slice(0, dollar);
    rest = rest.slice(dollar + 1);
    if (rest.startsWith('$')) {
      out += '$';
      rest = rest.slice(1);
      continue;
    }
    const named = /^(?:\{([\p{L}\p{Nd}_]+)\}|([\p{L}\p{Nd}_]+))/u.exec(rest);
    if (!named) {
      out += '$';
      continue;
    }
    rest = rest.slice(named[0].length);
    const name = named[1] ?? named[2] ?? '';
    // Only group 0 (the whole match) exists; Go reads digits as a group number, "00" is not 0.
    if (name === '0') out += match;
  }
  return out + rest;
}
