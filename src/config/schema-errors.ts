import type { ErrorObject } from 'ajv';
import { diagnostic } from '../diagnostics/diagnostic.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { DataPath, ManifestSource } from './source.js';
import { didYouMean } from '../util/suggest.js';

/** Turns ajv's errors into one located, readable diagnostic per problem (deduplicated). */
export function schemaDiagnostics(errors: readonly ErrorObject[], source: ManifestSource): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const error of errors) {
    const dataPath = toDataPath(error.instancePath, source.data);
    const made = describe(error, dataPath, source);
    if (!made) continue;
    const origin = made.location === undefined ? source.origin?.(dataPath) : undefined;
    if (origin !== undefined) made.message += ` (from ${origin})`;
    const key = `${made.message}@${made.location?.line}:${made.location?.column}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(made);
  }
  return out;
}

function describe(error: ErrorObject, path: DataPath, source: ManifestSource): Diagnostic | undefined {
  const schema: unknown = error.parentSchema;
  switch (error.keyword) {
    case 'propertyNames':
      // Its inner error (with `propertyName`) says what is wrong; this one only repeats it.
      return undefined;
    case 'additionalProperties': {
      const key = String(error.params['additionalProperty']);
      const known = Object.keys(record(record(schema)['properties']));
      const suggestion = didYouMean(key, known);
      return diagnostic('usage', `unknown key "${key}" in ${where(path)}${suggestion}`, {
        location: source.locate([...path, key], 'key'),
        ...(suggestion === '' && known.length > 0 ? { hint: `known keys: ${known.join(', ')}` } : {}),
      });
    }
    case 'required': {
      const key = String(error.params['missingProperty']);
      return diagnostic('usage', `${where(path)} is missing required key "${key}"`, {
        location: source.locate(path, 'key'),
        ...(key === 'version' ? { hint: 'add "version: 1" at the top of the manifest' } : {}),
      });
    }
    case 'const':
      return diagnostic('usage', `${label(path)} must be ${JSON.stringify(error.params['allowedValue'])}`, {
        location: source.locate(path),
      });
    case 'enum': {
      const allowed = array(error.params['allowedValues']).map(String);
      const list = allowed.map((value) => `"${value}"`).join(', ');
      return diagnostic('usage', `${label(path)} must be one of ${list}${didYouMean(String(error.data), allowed)}`, {
        location: source.locate(path),
      });
    }
    case 'type': {
      const last = path[path.length - 1];
      if (typeof last === 'number') {
        const parent = path.slice(0, -1);
        return diagnostic('usage', `${label(parent)} must be a list of ${plural(schema)}`, {
          location: source.locate(path),
        });
      }
      return diagnostic('usage', `${label(path)} must be ${expected(schema)}`, { location: source.locate(path) });
    }
    case 'pattern': {
      if (error.propertyName !== undefined) {
        const kind = path[0] === 'groups' ? 'group' : 'image';
        return diagnostic('usage', `invalid ${kind} name "${error.propertyName}"`, {
          location: source.locate([...path, error.propertyName], 'key'),
          hint: 'names are lowercase letters, digits, ".", "_" and "-", starting with a letter or digit',
        });
      }
      return diagnostic('usage', `${label(path)} must match ${String(error.params['pattern'])}`, {
        location: source.locate(path),
      });
    }
    default:
      return diagnostic('usage', `${label(path)} ${error.message ?? 'is invalid'}`, { location: source.locate(path) });
  }
}

/** Names the object at `path` for "unknown key … in X" and "X is missing …". */
function where(path: DataPath): string {
  const [top, name, ...rest] = path;
  if (top === undefined) return 'the manifest';
  if (top === 'images' && name !== undefined) {
    return rest.length === 0 ? `image "${name}"` : `"${rest.join('.')}" of image "${name}"`;
  }
  if (top === 'defaults') return name === undefined ? 'defaults' : `"${path.slice(1).join('.')}" of defaults`;
  return `"${path.join('.')}"`;
}

/** Names the value at `path` for "X must be …". */
function label(path: DataPath): string {
  const [top, name, ...rest] = path;
  if (top === undefined) return 'the manifest';
  if ((top === 'images' || top === 'groups') && name !== undefined) {
    const kind = top === 'images' ? 'image' : 'group';
    return rest.length === 0 ? `${kind} "${name}"` : `"${rest.join('.')}" in ${kind} "${name}"`;
  }
  if (top === 'defaults' && name !== undefined) return `"${path.slice(1).join('.')}" in defaults`;
  return `"${path.join('.')}"`;
}

function expected(schema: unknown): string {
  const type = record(schema)['type'];
  const items = record(record(schema)['items']);
  if (type === 'array') return `a list of ${plural(items)}`;
  if (type === 'object') return record(schema)['additionalProperties'] === false ? 'a map of keys' : 'a map';
  if (Array.isArray(type)) return `a ${type.map(String).join(', ').replace(/, ([^,]*)$/, ' or $1')}`;
  if (type === 'boolean') return 'true or false';
  return `a ${String(type)}`;
}

function plural(schema: unknown): string {
  const type = record(schema)['type'];
  if (Array.isArray(type)) return `${type.map((t) => `${String(t)}s`).join(', ').replace(/, ([^,]*)$/, ' or $1')}`;
  return type === 'boolean' ? 'booleans' : `${String(type)}s`;
}

/** Decodes a JSON pointer, turning segments into list indexes where the data holds a list. */
function toDataPath(pointer: string, data: unknown): DataPath {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let node = data;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const step = Array.isArray(node) ? Number(segment) : segment;
    path.push(step);
    node = Array.isArray(node) ? node[Number(segment)] : record(node)[segment];
  }
  return path;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function array(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
