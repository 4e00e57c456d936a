import { fail, ok, type Result } from '../util/result.js';
import { replacePattern, trimPrefix, trimSuffix } from './shell-pattern.js';

/** How to expand one word of a Dockerfile instruction. */
export interface ExpandOptions {
  /** The Dockerfile's escape character: `\` or the `# escape=` directive's value. */
  escapeChar: string;
  /** A variable's value; undefined when it is not set (never declared, or an ARG without a value). */
  lookup: (name: string) => string | undefined;
}

/** A word after quote removal and variable substitution. */
export interface Expansion {
  value: string;
  /** The word split into words at unquoted white space after substitution (BuildKit's ProcessWords). */
  words: string[];
  /** Variables the word used that had no value (not set, or set to '') and no default in the word. */
  unset: string[];
  /** Every variable the word refers to. */
  used: string[];
}

const EOF = '';
// Go's unicode.IsSpace (JavaScript's \s differs: it has U+FEFF and lacks U+0085).
const SPACE = /^[\t\n\v\f\r \u0085\u00a0\p{Z}]$/u;
const LETTER_OR_DIGIT = /^[\p{L}\p{Nd}_]$/u;
const DIGIT = /^\p{Nd}$/u;
// POSIX special parameters ($@, $*, ...): never set in a Dockerfile, but they end the name.
const SPECIAL = new Set(['@', '*', '#', '?', '-', '$', '!', '0']);

/**
 * Expands a word exactly as BuildKit's shell lexer (frontend/dockerfile/shell/lex.go,
 * ProcessWord and ProcessWords) does: quotes, the escape character, `$VAR`, `${VAR}`, the
 * `-` `:-` `+` `:+` `?` `:?` modifiers, `#` `##` `%` `%%` trimming and `/` `//` replacement,
 * with quotes removed inside modifier words too. A port of the Go code, not a POSIX shell: the
 * Dockerfile dialect has no command substitution and a configurable escape character.
 */
export function expandWord(word: string, options: ExpandOptions): Result<Expansion, string> {
  const lexer = new ShellLexer(word, options);
  try {
    const { value, words } = lexer.stopOn(EOF, false);
    return ok({ value, words, unset: [...lexer.unset], used: [...lexer.used] });
  } catch (error) {
    if (error instanceof ExpansionError) return fail(error.message);
    throw error;
  }
}

/** Internal: unwinds the recursive reader to expandWord, which turns it into a failure value. */
class ExpansionError extends Error {}

/** Words being split at unquoted white space (lex.go wordsStruct). */
class WordSplitter {
  readonly words: string[] = [];
  #buffer = '';
  #inWord = false;

  /** A character from the source or a variable's value: white space ends the word. */
  char(ch: string): void {
    if (SPACE.test(ch)) {
      if (this.#inWord && this.#buffer !== '') {
        this.words.push(this.#buffer);
        this.#buffer = '';
        this.#inWord = false;
      }
    } else this.raw(ch);
  }

  /** Quoted or escaped text: kept whole. */
  raw(text: string): void {
    this.#buffer += text;
    this.#inWord = true;
  }

  /** The words, the last one included. */
  finish(): string[] {
    if (this.#buffer !== '') this.words.push(this.#buffer);
    this.#buffer = '';
    this.#inWord = false;
    return this.words;
  }
}

/** The state of one expansion: lex.go's shellWord, reading code points. */
class ShellLexer {
  readonly unset = new Set<string>();
  readonly used = new Set<string>();
  readonly #chars: string[];
  readonly #escape: string;
  readonly #lookup: (name: string) => string | undefined;
  #pos = 0;
  // Inside `#`, `%` and `/` words BuildKit keeps escape characters for the pattern to read.
  #rawEscapes = false;

  constructor(word: string, options: ExpandOptions) {
    this.#chars = Array.from(word);
    this.#escape = options.escapeChar;
    this.#lookup = options.lookup;
  }

  #peek(): string {
    return this.#chars[this.#pos] ?? EOF;
  }

  #next(): string {
    const ch = this.#peek();
    if (ch !== EOF) this.#pos++;
    return ch;
  }

  #variable(name: string): string | undefined {
    this.used.add(name);
    const value = this.#lookup(name);
    if (value === undefined || value === '') this.unset.add(name);
    return value;
  }

  /** lex.go processStopOn: reads up to `stop` (consumed; EOF for the whole word). */
  stopOn(stop: string, rawEscapes: boolean): { value: string; words: string[] } {
    const outer = this.#rawEscapes;
    this.#rawEscapes = rawEscapes;
    try {
      let value = '';
      const words = new WordSplitter();
      while (this.#peek() !== EOF) {
        const ch = this.#peek();
        if (stop !== EOF && ch === stop) {
          this.#next();
          return { value, words: words.finish() };
        }
        if (ch === '$') {
          const expanded = this.#dollar();
          value += expanded;
          for (const c of expanded) words.char(c);
        } else if (ch === "'" || ch === '"' || ch === '<') {
          const kept = ch === "'" ? this.#singleQuoted() : ch === '"' ? this.#doubleQuoted() : this.#heredocStart();
          value += kept;
          words.raw(kept);
        } else {
          this.#next();
          if (ch === this.#escape) {
            if (this.#rawEscapes) {
              words.raw(ch);
              value += ch;
            }
            const escaped = this.#next();
            if (escaped === EOF) break;
            words.raw(escaped);
            value += escaped;
          } else {
            words.char(ch);
            value += ch;
          }
        }
      }
      if (stop !== EOF) throw new ExpansionError(`unexpected end of statement while looking for matching ${stop}`);
      return { value, words: words.finish() };
    } finally {
      this.#rawEscapes = outer;
    }
  }

  #singleQuoted(): string {
    this.#next();
    let out = '';
    for (;;) {
      const ch = this.#next();
      if (ch === EOF) throw new ExpansionError('unexpected end of statement while looking for matching single-quote');
      if (ch === "'") return out;
      out += ch;
    }
  }

  #doubleQuoted(): string {
    this.#next();
    let out = '';
    for (;;) {
      const ch = this.#peek();
      if (ch === EOF) throw new ExpansionError('unexpected end of statement while looking for matching double-quote');
      if (ch === '"') {
        this.#next();
        return out;
      }
      if (ch === '$') {
        out += this.#dollar();
        continue;
      }
      let taken = this.#next();
      if (taken === this.#escape) {
        if (this.#rawEscapes) out += taken;
        const after = this.#peek();
        // An escape at the end is dropped; it escapes only `"`, `$` and itself.
        if (after === EOF) continue;
        if (after === '"' || after === '$' || after === this.#escape) taken = this.#next();
      }
      out += taken;
    }
  }

  /** lex.go processPossibleHeredoc: `<<` and the blanks after it stay in one word. */
  #heredocStart(): string {
    this.#next();
    if (this.#peek() !== '<') return '<';
    this.#next();
    let out = '<<';
    while (this.#peek() === ' ' || this.#peek() === '\t' || this.#peek() === '\r') out += this.#next();
    return out;
  }

  /** lex.go processName: a name, a run of digits (a positional parameter) or one special parameter. */
  #name(): string {
    let name = '';
    while (this.#peek() !== EOF) {
      const ch = this.#peek();
      if (name === '' && DIGIT.test(ch)) {
        while (DIGIT.test(this.#peek())) name += this.#next();
        return name;
      }
      if (name === '' && SPECIAL.has(ch)) return this.#next();
      if (!LETTER_OR_DIGIT.test(ch)) break;
      name += this.#next();
    }
    return name;
  }

  /** lex.go processDollar: `$NAME` or `${...}`; the scanner is at the `$`. */
  #dollar(): string {
    this.#next();
    if (this.#peek() !== '{') {
      const name = this.#name();
      return name === '' ? '$' : (this.#variable(name) ?? '');
    }
    this.#next();
    const first = this.#peek();
    if (first === EOF) throw new ExpansionError("syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') throw new ExpansionError('syntax error: bad substitution');
    const name = this.#name();
    let modifier = this.#next();
    if (modifier === '}') return this.#variable(name) ?? '';
    if (modifier === '/') return this.#replace(name);
    let colon = false;
    if (modifier === ':') {
      colon = true;
      modifier = this.#next();
    }
    const written = `${colon ? ':' : ''}${modifier}`;
    if (!'+-?#%'.includes(modifier) || modifier === EOF) {
      // BuildKit reads the word up to `}` first, so a missing `}` is reported as such.
      if (colon) this.#operand(false);
      throw new ExpansionError(modifier === EOF ? "syntax error: missing '}'" : `unsupported modifier (${written}) in substitution`);
    }
    const trims = modifier === '#' || modifier === '%';
    if (colon && trims) throw new ExpansionError(`unsupported modifier (${written}) in substitution`);
    let operand = this.#operand(trims);
    this.used.add(name);
    const value = this.#lookup(name);
    const set = value !== undefined;
    const present = set && !(colon && value === '');
    switch (modifier) {
      case '-':
        // A default that stands in is not a missing value; an empty one is.
        if (!present && operand === '') this.unset.add(name);
        return present ? value : operand;
      case '+':
        return present ? operand : '';
      case '?':
        if (!present) {
          this.unset.add(name);
          throw new ExpansionError(`${name}: ${operand || (set ? 'is not allowed to be empty' : 'is not allowed to be unset')}`);
        }
        return value;
      default: {
        if (!set || value === '') this.unset.add(name);
        // `##` and `%%` take the longest match; the doubled character is read after expansion.
        const greedy = operand.startsWith(modifier);
        if (greedy) operand = operand.slice(1);
        const trimmed = modifier === '%' ? trimSuffix(operand, value ?? '', greedy) : trimPrefix(operand, value ?? '', greedy);
        if (!trimmed.ok) throw new ExpansionError(trimmed.error);
        return trimmed.value;
      }
    }
  }

  /** The word of a modifier, up to its `}`. */
  #operand(rawEscapes: boolean): string {
    try {
      return this.stopOn('}', rawEscapes).value;
    } catch (error) {
      if (error instanceof ExpansionError && this.#peek() === EOF) throw new ExpansionError("syntax error: missing '}'");
      throw error;
    }
  }

  /** `${NAME/pattern/replacement}` and `${NAME//pattern/replacement}`; the scanner is after the first `/`. */
  #replace(name: string): string {
    const all = this.#peek() === '/';
    if (all) this.#next();
    let pattern: string;
    try {
      pattern = this.stopOn('/', true).value;
    } catch (error) {
      if (error instanceof ExpansionError && this.#peek() === EOF) throw new ExpansionError("syntax error: missing '/' in ${}");
      throw error;
    }
    const replacement = this.#operand(true);
    const value = this.#variable(name) ?? '';
    const replaced = replacePattern(pattern, value, replacement, all);
    if (!replaced.ok) throw new ExpansionError(replaced.error);
    return replaced.value;
  }
}
