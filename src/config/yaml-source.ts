import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node, Pair } from 'yaml';
import { diagnostic } from '../diagnostics/diagnostic.js';
import type { Diagnostic, SourceLocation } from '../diagnostics/diagnostic.js';
import { fail, ok } from '../util/result.js';
import type { Result } from '../util/result.js';
import type { DataPath, EntryPart, ManifestSource } from './source.js';

/** Parses images.yaml keeping every node's source range; syntax errors become located diagnostics. */
export function parseYamlManifest(file: string, text: string): Result<ManifestSource, Diagnostic[]> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const toLocation = (start: number, end: number): SourceLocation => {
    const from = lineCounter.linePos(start);
    const to = lineCounter.linePos(Math.max(end, start + 1));
    return { file, line: from.line, column: from.col, endLine: to.line, endColumn: to.col };
  };
  if (doc.errors.length > 0) {
    return fail(
      doc.errors.map((error) =>
        diagnostic('usage', `YAML syntax error: ${firstLine(error.message)}`, {
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
  const locateNode = (node: Node | null | undefined): SourceLocation | undefined =>
    node?.range ? toLocation(node.range[0], node.range[1]) : undefined;
  return ok({
    file,
    data,
    locate(path: DataPath, part: EntryPart = 'value') {
      const found = walk(doc, path);
      if (found.complete && part === 'key' && found.pair && isNodeWithRange(found.pair.key)) {
        return locateNode(found.pair.key);
      }
      if (!found.complete && found.pair && isNodeWithRange(found.pair.key)) return locateNode(found.pair.key);
      return locateNode(found.node) ?? { file, line: 1, column: 1 };
    },
    locateWithin(path: DataPath, needle: string) {
      const found = walk(doc, path);
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

function walk(doc: Document, path: DataPath): Walked {
  let node = doc.contents as Node | null;
  let pair: Pair<unknown, unknown> | undefined;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc) ?? null;
    let next: { node: Node | null; pair?: Pair<unknown, unknown> } | undefined;
    if (isMap(node)) {
      const entry = node.items.find((item) => isPair(item) && keyText(item.key) === String(segment));
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
