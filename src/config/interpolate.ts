import type { Result } from '../util/result.js';
import { fail, ok } from '../util/result.js';
import type { GitInfo } from './git-info.js';

/** Why a string could not be interpolated, and the text (`${VAR}`) to point at. */
export interface InterpolationProblem {
  message: string;
  hint?: string;
  /** The offending reference as written, to find its column. */
  reference: string;
}

/** Looks a variable up; undefined when it is not set anywhere. */
export type VariableLookup = (name: string) => string | undefined;

/** Where variables come from, highest priority first: --var, git built-ins, the environment. */
export interface VariableSources {
  vars: Record<string, string>;
  /** Read lazily: git runs only when a built-in is referenced. */
  git: () => GitInfo;
  env: NodeJS.ProcessEnv;
}

/** Combines the variable sources in their priority order. */
export function variableLookup(sources: VariableSources): VariableLookup {
  return (name) => {
    if (Object.hasOwn(sources.vars, name)) return sources.vars[name];
    switch (name) {
      case 'GIT_SHA':
        return sources.git().sha;
      case 'GIT_SHA_SHORT':
        return sources.git().shortSha;
      case 'GIT_BRANCH':
        return sources.git().branch;
      default:
        return sources.env[name];
    }
  };
}

const reference = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

/**
 * Expands `${VAR}`, `${VAR:-default}` (default when unset or empty) and `$$` (a literal `$`).
 * Any other `$` is kept as written. Hand-written: the grammar is four rules, as in compose files.
 */
export function interpolate(template: string, lookup: VariableLookup): Result<string, InterpolationProblem[]> {
  const problems: InterpolationProblem[] = [];
  let out = '';
  let i = 0;
  while (i < template.length) {
    const char = template[i];
    const next = template[i + 1];
    if (char !== '$' || (next !== '$' && next !== '{')) {
      out += char;
      i++;
      continue;
    }
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    const close = template.indexOf('}', i + 2);
    if (close === -1) {
      problems.push({
        message: `unterminated variable reference "${template.slice(i)}"`,
        hint: 'close it with "}", or write "$$" for a literal "$"',
        reference: template.slice(i),
      });
      break;
    }
    const written = template.slice(i, close + 1);
    const match = reference.exec(template.slice(i + 2, close));
    if (!match) {
      problems.push({
        message: `invalid variable reference "${written}"`,
        hint: 'write ${NAME} or ${NAME:-default}; NAME is letters, digits and "_"',
        reference: written,
      });
    } else {
      const [, name = '', fallback] = match;
      const value = lookup(name);
      if (fallback !== undefined && (value === undefined || value === '')) out += fallback;
      else if (value !== undefined) out += value;
      else {
        problems.push({
          message: `variable "${name}" is not set`,
          hint: `pass --var ${name}=VALUE, set it in the environment, or give a default: \${${name}:-VALUE}`,
          reference: written,
        });
      }
    }
    i = close + 1;
  }
  return problems.length > 0 ? fail(problems) : ok(out);
}
