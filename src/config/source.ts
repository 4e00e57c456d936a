import type { SourceLocation } from '../diagnostics/diagnostic.js';

/** A path into the manifest's data, as keys and list indexes (`['images', 'api', 'tags', 0]`). */
export type DataPath = readonly (string | number)[];

/** Which part of a map entry a location points at. */
export type EntryPart = 'key' | 'value';

/** A manifest's plain data and a way back from any path in it to where it was written. */
export interface ManifestSource {
  /** Absolute path of the manifest file. */
  file: string;
  /** The manifest as plain JS data (not yet validated). */
  data: unknown;
  /** Where the entry at `path` was written; the closest enclosing entry when it has no own place. */
  locate(path: DataPath, part?: EntryPart): SourceLocation | undefined;
  /** Where `needle` sits inside the string at `path`, when it can be found verbatim. */
  locateWithin(path: DataPath, needle: string): SourceLocation | undefined;
  /** For a value that came from the command line, not the file: the option that set it (`--set "api.tags=x"`). */
  origin?(path: DataPath): string | undefined;
}

/** Turns a byte offset range of `text` into a 1-based location. */
export function rangeToLocation(file: string, text: string, start: number, end: number): SourceLocation {
  const from = offsetToPosition(text, start);
  const to = offsetToPosition(text, Math.max(end, start + 1));
  return { file, line: from.line, column: from.column, endLine: to.line, endColumn: to.column };
}

function offsetToPosition(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
