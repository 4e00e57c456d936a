import { diagnostic } from '../diagnostics/diagnostic.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { DataPath } from './source.js';
import { didYouMean } from '../util/suggest.js';

const plainFields = ['context', 'dockerfile', 'target', 'platform', 'repository', 'builder'] as const;
const mapFields = ['args', 'labels'] as const;
const settable = [...plainFields, 'tags', 'args.KEY', 'labels.KEY'];

/** What applying `--set` overrides produced: the data paths each one wrote, for diagnostics. */
export interface AppliedSets {
  /** Data path (JSON-encoded) → the `--set` text that wrote it. */
  origins: Map<string, string>;
  diagnostics: Diagnostic[];
}

/**
 * Applies `image.field=value` / `*.field=value` overrides (as `docker buildx bake --set`) to raw
 * manifest data, in place, before validation, so the schema checks their values too.
 */
export function applySets(data: unknown, sets: readonly string[]): AppliedSets {
  const origins = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  const images = isRecord(data) && isRecord(data['images']) ? data['images'] : {};
  const names = Object.keys(images);
  for (const set of sets) {
    const problem = (message: string, hint?: string): void => {
      diagnostics.push(diagnostic('usage', `--set "${set}": ${message}`, hint === undefined ? {} : { hint }));
    };
    const equals = set.indexOf('=');
    if (equals <= 0) {
      problem('expected IMAGE.FIELD=VALUE', 'for example --set api.tags=dev or --set *.args.VERSION=2');
      continue;
    }
    const target = set.slice(0, equals);
    const value = set.slice(equals + 1);
    const image = target.startsWith('*.')
      ? '*'
      : names.filter((name) => target.startsWith(`${name}.`)).sort((a, b) => b.length - a.length)[0];
    if (image === undefined) {
      const guess = target.split('.')[0] ?? target;
      problem(`unknown image "${guess}"${didYouMean(guess, names)}`, `images: ${names.join(', ') || '(none)'}`);
      continue;
    }
    const field = target.slice(image.length + 1);
    const targets = image === '*' ? names : [image];
    const write = (path: DataPath, apply: (entry: Record<string, unknown>) => void): void => {
      for (const name of targets) {
        const entry = images[name];
        if (!isRecord(entry)) continue;
        apply(entry);
        origins.set(JSON.stringify(['images', name, ...path]), set);
      }
    };
    const [head = '', ...rest] = field.split('.');
    const key = rest.join('.');
    if (isOneOf(field, plainFields)) {
      write([field], (entry) => (entry[field] = value));
    } else if (field === 'tags') {
      const tags = value.split(',').map((tag) => tag.trim()).filter((tag) => tag !== '');
      write(['tags'], (entry) => (entry['tags'] = tags));
    } else if (isOneOf(head, mapFields) && key !== '') {
      write([head, key], (entry) => {
        const map = isRecord(entry[head]) ? entry[head] : (entry[head] = {});
        if (isRecord(map)) map[key] = value;
      });
    } else {
      problem(`unknown field "${field}"${didYouMean(field, settable)}`, `settable fields: ${settable.join(', ')}`);
    }
  }
  return { origins, diagnostics };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOneOf<T extends string>(value: string, list: readonly T[]): value is T {
  return (list as readonly string[]).includes(value);
}
