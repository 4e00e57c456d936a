import type { Property } from 'dockerfile-ast';
import { expandWord, type Expansion } from './shell-words.js';
import type { Result } from '../util/result.js';

/** Where an ARG gets its value besides its default. */
export interface ArgSources {
  /** The image's build args: they win over defaults. */
  buildArgs: Record<string, string>;
}

/**
 * The global ARGs of a Dockerfile (those before the first FROM), the only variables FROM sees.
 * A build arg overrides an ARG's default; an ARG without a default and without a build arg is
 * not set (BuildKit's buildMetaArgs), unless it is an automatic platform ARG.
 */
export class VariableScope {
  readonly #values = new Map<string, string>();
  readonly #declared = new Set<string>();
  readonly #escapeChar: string;
  readonly #fallback: (name: string) => string | undefined;

  /** `fallback` answers names that have no value here (the automatic platform ARGs). */
  constructor(escapeChar: string, fallback: (name: string) => string | undefined = () => undefined) {
    this.#escapeChar = escapeChar;
    this.#fallback = fallback;
  }

  /** A variable's value; undefined when not set (never declared, or declared without a value). */
  get(name: string): string | undefined {
    return this.#values.get(name) ?? this.#fallback(name);
  }

  /** Expands a word against this scope. */
  expand(word: string): Result<Expansion, string> {
    return expandWord(word, { escapeChar: this.#escapeChar, lookup: (name) => this.get(name) });
  }

  /** Whether an ARG of that name was declared here (with or without a value). */
  declared(name: string): boolean {
    return this.#declared.has(name);
  }

  /**
   * Declares an ARG; returns its effective value (undefined when it has none), or the
   * expansion failure of its default.
   */
  declareArg(property: Property, sources: ArgSources): Result<string | undefined, string> {
    const name = property.getName();
    this.#declared.add(name);
    let value: string | undefined;
    if (Object.hasOwn(sources.buildArgs, name)) value = sources.buildArgs[name];
    else {
      const raw = property.getValue();
      if (raw !== null) {
        const expanded = this.expand(raw);
        if (!expanded.ok) return expanded;
        value = expanded.value.value;
      }
    }
    // Without a value, an ARG keeps what it had: an earlier ARG's, or the automatic platform value.
    if (value !== undefined) this.#values.set(name, value);
    return { ok: true, value: this.get(name) };
  }
}
