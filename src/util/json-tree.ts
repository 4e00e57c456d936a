// JSON with the offset of every value, and syntax errors that say what is wrong and where without
// quoting the text. Hand-written because V8's JSON.parse messages quote the input
// (`Unexpected token 's', ..."{"auth": s3cr"... is not valid JSON`), which must never happen for a
// credential file, and give no offset of the values for the errors after parsing.
import { fail, ok, type Result } from './result.js';

/** A parsed JSON value and where it starts (0-based offset into the text). */
export type JsonNode =
  | { kind: 'object'; offset: number; entries: { key: string; keyOffset: number; value: JsonNode }[] }
  | { kind: 'array'; offset: number; items: JsonNode[] }
  | { kind: 'string'; offset: number; value: string }
  | { kind: 'number'; offset: number; value: number }
  | { kind: 'boolean'; offset: number; value: boolean }
  | { kind: 'null'; offset: number };

/** A syntax error: what is wrong (never quoting the text beyond one punctuation character) and its offset. */
export interface JsonSyntaxError {
  message: string;
  offset: number;
}

class Failure {
  constructor(readonly error: JsonSyntaxError) {}
}

const punctuation = new Set(['{', '}', '[', ']', ':', ',', '"']);
const escapes: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Parses JSON text into a tree with offsets, or the first syntax error. */
export function parseJsonTree(text: string): Result<JsonNode, JsonSyntaxError> {
  let i = text.startsWith('\uFEFF') ? 1 : 0;
  const stop = (message: string, at = i): never => {
    throw new Failure({ message, offset: at });
  };
  const unexpected = (): never => {
    if (i >= text.length) return stop('unexpected end of file');
    const ch = text[i]!;
    // One punctuation character says enough; any other character could be part of a secret.
    return stop(punctuation.has(ch) ? `unexpected token '${ch}'` : 'unexpected character');
  };
  const space = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const string = (): string => {
    const start = i++;
    let out = '';
    for (;;) {
      if (i >= text.length) stop('unterminated string', start);
      const ch = text[i]!;
      if (ch === '"') break;
      if (ch === '\n' || ch === '\r') stop('unterminated string', start);
      if (ch < ' ') stop('control character in a string');
      if (ch === '\\') {
        const next = text[i + 1];
        if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
          continue;
        }
        if (next === undefined || escapes[next] === undefined) stop('invalid escape in a string');
        out += escapes[next!]!;
        i += 2;
        continue;
      }
      out += ch;
      i++;
    }
    i++;
    return out;
  };
  const value = (): JsonNode => {
    space();
    const offset = i;
    const ch = text[i];
    if (ch === '{') {
      i++;
      const entries: { key: string; keyOffset: number; value: JsonNode }[] = [];
      space();
      if (text[i] === '}') return i++, { kind: 'object', offset, entries };
      for (;;) {
        space();
        if (text[i] !== '"') stop(text[i] === '}' ? "unexpected token '}' (a trailing comma?)" : 'expected a double-quoted key');
        const keyOffset = i;
        const key = string();
        space();
        if (text[i] !== ':') stop("expected ':' after a key");
        i++;
        entries.push({ key, keyOffset, value: value() });
        space();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return i++, { kind: 'object', offset, entries };
        else stop(i >= text.length ? 'unexpected end of file (a missing \'}\'?)' : "expected ',' or '}'");
      }
    }
    if (ch === '[') {
      i++;
      const items: JsonNode[] = [];
      space();
      if (text[i] === ']') return i++, { kind: 'array', offset, items };
      for (;;) {
        items.push(value());
        space();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return i++, { kind: 'array', offset, items };
        else stop(i >= text.length ? "unexpected end of file (a missing ']'?)" : "expected ',' or ']'");
      }
    }
    if (ch === '"') return { kind: 'string', offset, value: string() };
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?)/.exec(text.slice(i, i + 400))?.[0];
    if (literal === undefined) return unexpected();
    i += literal.length;
    if (literal === 'null') return { kind: 'null', offset };
    if (literal === 'true' || literal === 'false') return { kind: 'boolean', offset, value: literal === 'true' };
    return { kind: 'number', offset, value: Number(literal) };
  };
  try {
    const root = value();
    space();
    if (i < text.length) stop('unexpected text after the JSON value');
    return ok(root);
  } catch (error) {
    if (error instanceof Failure) return fail(error.error);
    throw error;
  }
}

/** 1-based line and column (in characters) of an offset, as editors show them. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}
