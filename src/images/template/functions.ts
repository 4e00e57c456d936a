// Template functions: Go's text/template builtins that formats use, and docker/cli's
// `templates.basicFunctions` / `HeaderFunctions` (templates/templates.go).
import { goJson } from '../go-json.js';
import { TemplateError } from './template-error.js';
import { printValue, type TemplateValue } from './value.js';

/** A template function: arity (min, max; max -1 = variadic) and its implementation. */
export interface TemplateFunction {
  min: number;
  max: number;
  call: (args: TemplateValue[]) => TemplateValue;
}

/** Functions by name. */
export type FunctionMap = Readonly<Record<string, TemplateFunction>>;

const typeName = (v: TemplateValue): string =>
  v === undefined ? 'invalid' : v === null ? 'nil' : Array.isArray(v) ? '[]string' : typeof v === 'object' ? v.typeName : typeof v === 'number' ? 'int' : typeof v === 'boolean' ? 'bool' : 'string';

function str(fn: string, v: TemplateValue): string {
  if (typeof v !== 'string') throw new TemplateError(`template: error calling ${fn}: wrong type for value; expected string; got ${typeName(v)}`);
  return v;
}

function int(fn: string, v: TemplateValue): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TemplateError(`template: error calling ${fn}: wrong type for value; expected int; got ${typeName(v)}`);
  return v;
}

function list(fn: string, v: TemplateValue): string[] {
  if (!Array.isArray(v) || v.some((e) => typeof e !== 'string')) {
    throw new TemplateError(`template: error calling ${fn}: wrong type for value; expected []string; got ${typeName(v)}`);
  }
  return v as string[];
}

/** Go's `isTrue`: zero values (empty string or list, 0, false, nil, no value) are false. */
export function isTrue(v: TemplateValue): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'string' || Array.isArray(v)) return v.length > 0;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'boolean') return v;
  return true;
}

/** strings.Title: upper-cases the first letter of each word (word = letters, digits, underscore). */
function title(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    const separator = /^[\x00-\x7f]$/.test(prev) ? !/[A-Za-z0-9_]/.test(prev) : !/[\p{L}\p{Nd}]/u.test(prev) && /\s/u.test(prev);
    out += separator ? ch.toUpperCase() : ch;
    prev = ch;
  }
  return out;
}

const fixed = (min: number, call: TemplateFunction['call']): TemplateFunction => ({ min, max: min, call });
const variadic = (min: number, call: TemplateFunction['call']): TemplateFunction => ({ min, max: -1, call });

function compare(fn: string, a: TemplateValue, b: TemplateValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new TemplateError(`template: error calling ${fn}: incompatible types for comparison`);
}

/** Go's fmt verbs that formats use: %s %v %d %q %%. */
function sprintf(format: string, args: TemplateValue[]): string {
  let i = 0;
  return format.replace(/%([-+# 0]*\d*(?:\.\d+)?)([svdqx%])/g, (_m, _flags: string, verb: string) => {
    if (verb === '%') return '%';
    if (i >= args.length) return `%!${verb}(MISSING)`;
    const v = args[i++];
    if (verb === 'q' && typeof v === 'string') return goJson(v, false);
    if (verb === 'x' && typeof v === 'string') return Buffer.from(v).toString('hex');
    if (verb === 'x' && typeof v === 'number') return v.toString(16);
    return printValue(v);
  });
}

const builtins: FunctionMap = {
  and: variadic(1, (a) => a.find((v) => !isTrue(v)) ?? a[a.length - 1]),
  or: variadic(1, (a) => a.find((v) => isTrue(v)) ?? a[a.length - 1]),
  not: fixed(1, ([v]) => !isTrue(v)),
  len: fixed(1, ([v]) => {
    if (typeof v === 'string') return Buffer.byteLength(v);
    if (Array.isArray(v)) return v.length;
    throw new TemplateError(`template: error calling len: len of type ${typeName(v)}`);
  }),
  index: variadic(1, ([v, ...keys]) =>
    keys.reduce<TemplateValue>((acc, k) => {
      if (Array.isArray(acc)) {
        const n = int('index', k);
        if (n < 0 || n >= acc.length) throw new TemplateError(`template: error calling index: index out of range: ${n}`);
        return acc[n];
      }
      if (typeof acc === 'string') return Buffer.from(acc)[int('index', k)];
      throw new TemplateError(`template: error calling index: can't index item of type ${typeName(acc)}`);
    }, v),
  ),
  eq: variadic(2, ([a, ...rest]) => rest.some((b) => compare('eq', a, b) === 0)),
  ne: fixed(2, ([a, b]) => compare('ne', a, b) !== 0),
  lt: fixed(2, ([a, b]) => compare('lt', a, b) < 0),
  le: fixed(2, ([a, b]) => compare('le', a, b) <= 0),
  gt: fixed(2, ([a, b]) => compare('gt', a, b) > 0),
  ge: fixed(2, ([a, b]) => compare('ge', a, b) >= 0),
  print: variadic(0, (a) =>
    a.map((v, i) => (i > 0 && typeof v !== 'string' && typeof a[i - 1] !== 'string' ? ' ' : '') + printValue(v)).join(''),
  ),
  println: variadic(0, (a) => `${a.map(printValue).join(' ')}\n`),
  printf: variadic(1, ([f, ...a]) => sprintf(str('printf', f), a)),
};

/** docker/cli's functions for rows. */
export const rowFunctions: FunctionMap = {
  ...builtins,
  // `json` here encodes without HTML escaping (SetEscapeHTML(false)); a whole row marshals itself.
  json: fixed(1, ([v]) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v.json() : goJson(v, false))),
  split: fixed(2, ([s, sep]) => {
    const source = str('split', s);
    const separator = str('split', sep);
    return separator === '' ? Array.from(source) : source.split(separator);
  }),
  join: fixed(2, ([l, sep]) => list('join', l).join(str('join', sep))),
  title: fixed(1, ([s]) => title(str('title', s))),
  lower: fixed(1, ([s]) => str('lower', s).toLowerCase()),
  upper: fixed(1, ([s]) => str('upper', s).toUpperCase()),
  pad: fixed(3, ([s, prefix, suffix]) => {
    const source = str('pad', s);
    return source === '' ? source : ' '.repeat(int('pad', prefix)) + source + ' '.repeat(int('pad', suffix));
  }),
  truncate: fixed(2, ([s, n]) => {
    const bytes = Buffer.from(str('truncate', s));
    const length = int('truncate', n);
    return bytes.length < length ? str('truncate', s) : bytes.subarray(0, length).toString();
  }),
};

/** docker/cli's HeaderFunctions: the header row keeps column names intact (pad still applies). */
export const headerFunctions: FunctionMap = {
  ...rowFunctions,
  json: fixed(1, ([v]) => str('json', v)),
  split: fixed(2, ([v]) => str('split', v)),
  join: fixed(2, ([v]) => str('join', v)),
  title: fixed(1, ([v]) => str('title', v)),
  lower: fixed(1, ([v]) => str('lower', v)),
  upper: fixed(1, ([v]) => str('upper', v)),
  truncate: fixed(2, ([v]) => str('truncate', v)),
};
