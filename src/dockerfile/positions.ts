import type { SourceLocation } from '../diagnostics/diagnostic.js';

/** A zero-based position as dockerfile-ast (LSP) reports it. */
export interface Position {
  line: number;
  character: number;
}

/** Converts between LSP positions and offsets in one text (LF, CRLF and CR line ends). */
export class LineIndex {
  readonly #starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (ch === '\r' && text[i + 1] === '\n') i++;
      if (ch === '\r' || ch === '\n') this.#starts.push(i + 1);
    }
  }

  /** The offset of a zero-based position. */
  offsetAt(position: Position): number {
    return (this.#starts[position.line] ?? 0) + position.character;
  }

  /** The offset of a 1-based location (its start). */
  offsetOf(line: number, column: number): number {
    return this.offsetAt({ line: line - 1, character: column - 1 });
  }
}

/** A 1-based location from a zero-based LSP range; the end column stays exclusive. */
export function toLocation(file: string, start: Position, end?: Position): SourceLocation {
  const location: SourceLocation = { file, line: start.line + 1, column: start.character + 1 };
  if (end) {
    location.endLine = end.line + 1;
    location.endColumn = end.character + 1;
  }
  return location;
}
