/** One challenge of a `WWW-Authenticate` header: a scheme and its auth-params. */
export interface AuthChallenge {
  /** Lower-cased scheme: `basic`, `bearer`. */
  scheme: string;
  /** Auth-params with lower-cased names (`realm`, `service`, `scope`, `error`). */
  params: Record<string, string>;
}

// RFC 7235 token characters.
const tokenChars = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

/**
 * Parses a `WWW-Authenticate` value into challenges (RFC 7235 §4.1).
 * Hand-written because quoted values hold commas and spaces (`scope="a:b:pull,push c:d:pull"`)
 * and no dependency we have parses auth-params; a naive split on `,` breaks them.
 */
export function parseChallenges(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let i = 0;
  const skip = (re: RegExp): void => {
    while (i < header.length && re.test(header[i] ?? '')) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < header.length && tokenChars.test(header[i] ?? '')) i++;
    return header.slice(start, i);
  };
  const quoted = (): string => {
    let value = '';
    i++; // opening quote
    while (i < header.length && header[i] !== '"') {
      if (header[i] === '\\') i++;
      value += header[i] ?? '';
      i++;
    }
    i++; // closing quote
    return value;
  };
  let current: AuthChallenge | undefined;
  while (i < header.length) {
    skip(/[\s,]/);
    const name = token();
    if (name === '') {
      i++; // stray character: skip it rather than loop forever
      continue;
    }
    skip(/[ \t]/);
    if (header[i] === '=' && current !== undefined) {
      i++;
      skip(/[ \t]/);
      current.params[name.toLowerCase()] = header[i] === '"' ? quoted() : token();
      continue;
    }
    // a token not followed by `=` starts the next challenge
    current = { scheme: name.toLowerCase(), params: {} };
    challenges.push(current);
  }
  return challenges;
}
