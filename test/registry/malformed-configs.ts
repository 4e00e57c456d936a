// Malformed docker config.json variants, each holding a secret that must never be printed.

const b64 = (s: string): string => Buffer.from(s).toString('base64');
/** A secret unique to one case, and every form of it that must never be printed. */
export function secretForms(name: string): { secret: string; forms: string[] } {
  const secret = `Sx${name}${Math.random().toString(36).slice(2, 10)}pw`;
  return { secret, forms: [secret, b64(secret), b64(`kiln:${secret}`), b64(`kiln:${secret}`).slice(0, 12)] };
}

/** Malformed config.json texts, each holding `secret`, with the message expected and the text it points at. */
export function malformedConfigs(secret: string, host: string): { name: string; text: string; message: string; at: [string, number] }[] {
  const auth = b64(`kiln:${secret}`);
  const tail = (text: string): [string, number] => [text, text.length];
  const missing = `{\n  "auths": {\n    "${host}": { "auth": "${auth}" }\n`;
  return [
    { name: 'trailing-comma', text: `{\n  "auths": {\n    "${host}": { "auth": "${auth}" },\n  }\n}\n`, message: "JSON syntax error in the docker config: unexpected token '}' (a trailing comma?)", at: ['\n  }\n}', 3] },
    { name: 'unterminated', text: `{\n  "auths": {\n    "${host}": { "auth": "${auth} }\n  }\n}\n`, message: 'JSON syntax error in the docker config: unterminated string', at: ['"auth": "', 8] },
    { name: 'bare-password', text: `{\n  "auths": {\n    "${host}": { "username": "kiln", "password": ${secret} }\n  }\n}\n`, message: 'JSON syntax error in the docker config: unexpected character', at: ['"password": ', 12] },
    { name: 'missing-brace', text: missing, message: "JSON syntax error in the docker config: unexpected end of file (a missing '}'?)", at: tail(missing) },
    { name: 'array', text: `[\n  "${auth}"\n]\n`, message: 'the docker config is valid JSON but not an object (an array)', at: ['[', 0] },
    { name: 'auths-string', text: `{\n  "auths": "${auth}"\n}\n`, message: '"auths" in the docker config is not an object (a string)', at: ['"auths": ', 9] },
    { name: 'auth-number', text: `{ "auths": { "${host}": { "auth": 12345 } }, "x": "${secret}" }`, message: '"auth" of an "auths" entry in the docker config is not a string (a number)', at: ['12345', 0] },
    { name: 'not-base64', text: `{\n  "auths": {\n    "${host}": { "auth": "${secret}!" }\n  }\n}\n`, message: `the "auth" of "${host}" in the docker config is not base64`, at: ['"auth": ', 8] },
    { name: 'no-colon', text: `{\n  "auths": {\n    "${host}": { "auth": "${b64(secret + 'xyz')}" }\n  }\n}\n`, message: `the "auth" of "${host}" in the docker config is not base64 of user:password`, at: ['"auth": ', 8] },
  ];
}

/** The 1-based line and column of the text `at` names. */
export function expectedPlace(text: string, at: [string, number]): { line: number; column: number } {
  const offset = text.indexOf(at[0]) + at[1];
  const lines = text.slice(0, offset).split('\n');
  return { line: lines.length, column: lines[lines.length - 1]!.length + 1 };
}
