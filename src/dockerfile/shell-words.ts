import { fail, ok, type Result } from '../util/result.js';

/** How to expand one word of a Dockerfile instruction. */
export interface ExpandOptions {
  /** The Dockerfile's escape character: `\` or the `# escape=` directive's value. */
  escapeChar: string;
  /** A variable's value; `''` when declared without a value, undefined when never declared. */
  lookup: (name: string) => string | undefined;
}

/** A word after quote removal and variable substitution. */
export interface Expansion {
  value: string;
  /** Variables the word used that had no value (undeclared, or declared empty). */
  unset: string[];
  /** Every variable the word refers to. */
  used: string[];
}

const NAME_START = /[A-Za-z_0-9]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

/**
 * Expands a word the way BuildKit's shell lexer (frontend/dockerfile/shell) does for FROM,
 * COPY --from and mount options: quotes, the escape character, `$VAR`, `${VAR}`, and the
 * `-`, `:-`, `+`, `:+`, `?`, `:?` modifiers. Hand-written because no npm package implements
 * the Dockerfile dialect (it is not POSIX sh: no command substitution, a configurable escape).
 */
export function expandWord(word: string, options: ExpandOptions): Result<Expansion, string> {
  const { escapeChar, lookup } = options;
  const unset = new Set<string>();
  const used = new Set<string>();
  let pos = 0;

  const variable = (name: string): string | undefined => {
    used.add(name);
    const value = lookup(name);
    if (value === undefined || value === '') unset.add(name);
    return value;
  };

  // Reads a `$` expansion; pos is just after the `$`.
  const dollar = (): string => {
    const next = word[pos];
    if (next === '{') {
      pos++;
      return braced();
    }
    if (next === undefined || !NAME_START.test(next)) return '$';
    const start = pos;
    while (pos < word.length && NAME_CHAR.test(word[pos] ?? '')) pos++;
    return variable(word.slice(start, pos)) ?? '';
  };

  const braced = (): string => {
    const start = pos;
    while (pos < word.length && NAME_CHAR.test(word[pos] ?? '')) pos++;
    const name = word.slice(start, pos);
    if (pos >= word.length) throw new ExpansionError(`missing "}" in "${word}"`);
    if (name === '') throw new ExpansionError(`bad substitution in "${word}"`);
    if (word[pos] === '}') {
      pos++;
      return variable(name) ?? '';
    }
    let colon = false;
    if (word[pos] === ':') {
      colon = true;
      pos++;
    }
    const modifier = word[pos];
    if (modifier !== '-' && modifier !== '+' && modifier !== '?') {
      throw new ExpansionError(`unsupported substitution "\${${name}${colon ? ':' : ''}${modifier ?? ''}..." in "${word}"`);
    }
    pos++;
    const operand = until('}');
    used.add(name);
    const value = lookup(name);
    const present = colon ? value !== undefined && value !== '' : value !== undefined;
    switch (modifier) {
      case '-':
        if (!present) unset.add(name);
        return present ? (value ?? '') : operand;
      case '+':
        return present ? operand : '';
      case '?':
        if (!present) throw new ExpansionError(`${name}: ${operand || 'is not set'}`);
        return value ?? '';
    }
  };

  // Reads up to an unescaped stop character (consumed), expanding variables; no quote removal.
  const until = (stop: string): string => {
    let out = '';
    while (pos < word.length) {
      const ch = word[pos++] ?? '';
      if (ch === stop) return out;
      if (ch === escapeChar && pos < word.length) out += word[pos++];
      else if (ch === '$') out += dollar();
      else out += ch;
    }
    throw new ExpansionError(`missing "${stop}" in "${word}"`);
  };

  const singleQuoted = (): string => {
    const end = word.indexOf("'", pos);
    if (end < 0) throw new ExpansionError(`unterminated single quote in "${word}"`);
    const text = word.slice(pos, end);
    pos = end + 1;
    return text;
  };

  const doubleQuoted = (): string => {
    let out = '';
    while (pos < word.length) {
      const ch = word[pos++] ?? '';
      if (ch === '"') return out;
      const next = word[pos];
      if (ch === escapeChar && (next === '"' || next === '$' || next === escapeChar)) {
        out += next;
        pos++;
      } else if (ch === '$') out += dollar();
      else out += ch;
    }
    throw new ExpansionError(`unterminated double quote in "${word}"`);
  };

  try {
    let value = '';
    while (pos < word.length) {
      const ch = word[pos++] ?? '';
      if (ch === "'") value += singleQuoted();
      else if (ch === '"') value += doubleQuoted();
      else if (ch === escapeChar && pos < word.length) value += word[pos++];
      else if (ch === '$') value += dollar();
      else value += ch;
    }
    return ok({ value, unset: [...unset], used: [...used] });
  } catch (error) {
    if (error instanceof ExpansionError) return fail(error.message);
    throw error;
  }
}

/** Internal: unwinds the recursive reader to expandWord, which turns it into a failure value. */
class ExpansionError extends Error {}
