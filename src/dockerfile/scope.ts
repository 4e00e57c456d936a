import type { Property } from 'dockerfile-ast';
import { expandWord, type Expansion } from './shell-words.js';
import type { Result } from '../util/result.js';

/** Where an ARG gets its value when declared without a default. */
export interface ArgSources {
  buildArgs: Record<string, string>;
  /** Global ARGs (for a stage's redeclaration) and the automatic platform ARGs. */
  inherited: (name: string) => string | undefined;
}

/**
 * The variables visible at one point of a Dockerfile: declared ARGs and ENVs, in order.
 * A build arg overrides an ARG's default; an ARG without one inherits (global ARG, platform ARG).
 */
export class VariableScope {
  readonly #values = new Map<string, string>();
  readonly #escapeChar: string;
  readonly #fallback: (name: string) => string | undefined;

  /** `fallback` answers names never declared here (the platform ARGs for FROM). */
  constructor(escapeChar: string, fallback: (name: string) => string | undefined = () => undefined) {
    this.#escapeChar = escapeChar;
    this.#fallback = fallback;
  }

  /** A variable's value: '' when declared without one, undefined when never declared. */
  get(name: string): string | undefined {
    return this.#values.get(name) ?? this.#fallback(name);
  }

  /** Whether the variable was declared in this scope. */
  has(name: string): boolean {
    return this.#values.has(name);
  }

  /** Expands a word against this scope. */
  expand(word: string): Result<Expansion, string> {
    return expandWord(word, { escapeChar: this.#escapeChar, lookup: (name) => this.get(name) });
  }

  /**
   * Declares an ARG; returns its effective value (undefined when it has none), or the
   * expansion failure of its default.
   */
  declareArg(property: Property, sources: ArgSources): Result<string | undefined, string> {
    const name = property.getName();
    let value: string | undefined;
    if (Object.hasOwn(sources.buildArgs, name)) value = sources.buildArgs[name];
    else {
      const raw = property.getValue();
      if (raw !== null) {
        const expanded = this.expand(raw);
        if (!expanded.ok) return expanded;
        value = expanded.value.value;
      } else value = sources.inherited(name);
    }
    this.#values.set(name, value ?? '');
    return { ok: true, value };
  }

  /** Declares an ENV (visible to COPY --from and mount options after it). */
  declareEnv(property: Property): Result<string, string> {
    const expanded = this.expand(property.getValue() ?? '');
    if (!expanded.ok) return expanded;
    this.#values.set(property.getName(), expanded.value.value);
    return { ok: true, value: expanded.value.value };
  }
}
