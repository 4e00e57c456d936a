import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node, Pair, YAMLMap } from 'yaml';
import { diagnostic } from '../diagnostics/diagnostic.js';
import type { Diagnostic, SourceLocation } from '../diagnostics/diagnostic.js';
import { fail, ok } from '../util/result.js';
import type { Result } from '../util/result.js';
import type { DataPath, EntryPart, ManifestSource } from './source.js';

/** Parses images.yaml keeping every node's source range; syntax errors become located diagnostics. */
export function parseYamlManifest(file: string, text: string): Result<ManifestSource, Diagnostic[]> {
  const lineCounter = new LineCounter();
  // yaml's own uniqueKeys check scans every earlier key of a map for each key (quadratic in a
  // map's size: minutes for a 10 MB manifest); duplicateKeys does the same check with a Set.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const toLocation = (start: number, end: number): SourceLocation => {
    const from = lineCounter.linePos(start);
    const to = lineCounter.linePos(Math.max(end, start + 1));
    return { file, line: from.line, column: from.col, endLine: to.line, endColumn: to.col };
  };
  const errors = [...doc.errors.map((error) => ({ message: firstLine(error.message), pos: error.pos })), ...duplicateKeys(doc)];
  if (errors.length > 0) {
    errors.sort((a, b) => a.pos[0] - b.pos[0]);
    return fail(
      errors.map((error) =>
        diagnostic('usage', `YAML syntax error: ${error.message}`, {
          location: toLocation(error.pos[0], error.pos[1]),
        }),
      ),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    // Only alias abuse (a "billion laughs" document) throws here.
    const message = error instanceof Error ? error.message : String(error);
    return fail([diagnostic('usage', `YAML error: ${message}`, { location: { file, line: 1, column: 1 } })]);
  }
  const entries = mapIndex();
  const locateNode = (node: Node | null | undefined): SourceLocation | undefined =>
    node?.range ? toLocation(node.range[0], node.range[1]) : undefined;
  return ok({
    file,
    data,
    locate(path: DataPath, part: EntryPart = 'value') {
      const found = walk(doc, path, entries);
      if (found.complete && part === 'key' && found.pair && isNodeWithRange(found.pair.key)) {
        return locateNode(found.pair.key);
      }
      if (!found.complete && found.pair && isNodeWithRange(found.pair.key)) return locateNode(found.pair.key);
      return locateNode(found.node) ?? { file, line: 1, column: 1 };
    },
    locateWithin(path: DataPath, needle: string) {
      const found = walk(doc, path, entries);
      const range = found.complete && isScalar(found.node) ? found.node.range : undefined;
      if (!range) return undefined;
      const at = text.slice(range[0], range[1]).indexOf(needle);
      if (at === -1) return undefined;
      return toLocation(range[0] + at, range[0] + at + needle.length);
    },
  });
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

function isNodeWithRange(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && 'range' in value && Array.isArray(value.range);
}

interface Walked {
  /** The deepest node reached. */
  node: Node | null | undefined;
  /** The map entry holding that node, when it is a map value. */
  pair?: Pair<unknown, unknown>;
  /** Whether the whole path was found. */
  complete: boolean;
}

/** A map's entries by key text (the first of a key wins), built on first use: a lookup costs O(1), not a scan. */
type MapIndex = (map: YAMLMap) => Map<string, Pair<unknown, unknown>>;

function mapIndex(): MapIndex {
  const indexes = new WeakMap<YAMLMap, Map<string, Pair<unknown, unknown>>>();
  return (map) => {
    let index = indexes.get(map);
    if (index === undefined) {
      index = new Map();
      for (const item of map.items) if (isPair(item) && !index.has(keyText(item.key))) index.set(keyText(item.key), item);
      indexes.set(map, index);
    }
    return index;
  };
}

/** yaml's DUPLICATE_KEY errors ("Map keys must be unique" at the repeated key), in one pass. */
function duplicateKeys(doc: Document): { message: string; pos: [number, number] }[] {
  const found: { message: string; pos: [number, number] }[] = [];
  // A plain walk: yaml's visit() allocates a path array per node, a third of this pass's time.
  const check = (node: unknown): void => {
    if (isMap(node)) {
      // yaml compares scalar keys by value (`1` and `1.0` are one key, `1` and `"1"` two).
      const seen = new Set<unknown>();
      for (const { key, value } of node.items) {
        if (isScalar(key) && !Number.isNaN(key.value)) {
          if (seen.has(key.value)) {
            const start = key.range?.[0] ?? 0;
            found.push({ message: 'Map keys must be unique', pos: [start, start + 1] });
          }
          seen.add(key.value);
        } else check(key);
        check(value);
      }
    } else if (isSeq(node)) for (const item of node.items) check(item);
  };
  check(doc.contents);
  return found;
}

function walk(doc: Document, path: DataPath, entries: MapIndex): Walked {
  let node = doc.contents as Node | null;
  let pair: Pair<unknown, unknown> | undefined;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc) ?? null;
    let next: { node: Node | null; pair?: Pair<unknown, unknown> } | undefined;
    if (isMap(node)) {
      const entry = entries(node).get(String(segment));
      if (entry) next = { node: isNodeWithRange(entry.value) ? entry.value : null, pair: entry };
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (isNodeWithRange(item)) next = { node: item };
    }
    if (!next) return { node, pair, complete: false };
    // An entry with no value (`context:`) has no text of its own: point at its key.
    const empty = next.node === null || (isScalar(next.node) && next.node.range?.[0] === next.node.range?.[1]);
    if (empty && next.pair && isNodeWithRange(next.pair.key)) {
      return { node: next.pair.key, pair: next.pair, complete: true };
    }
    node = next.node;
    pair = next.pair;
  }
  return { node, pair, complete: true };
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}
