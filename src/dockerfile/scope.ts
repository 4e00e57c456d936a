import type { Property } from 'dockerfile-ast';
import { expandWord, type Expansion } from './shell-words.js';
import type { Result } from '../util/result.js';

/** Where an ARG gets its value when declared without a default. */
export interface ArgSources {
  buildArgs: Record<string, string>;
  /** The automatic platform ARGs. */
  inherited: (name: string) => string | undefined;
}

/**
 * The global ARGs of a Dockerfile (those before the first FROM), the only variables FROM sees.
 * A build arg overrides an ARG's default; an ARG without one gets the automatic platform value.
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
}
