import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic, SourceLocation } from './diagnostic.js';

/** How diagnostics are printed. */
export interface FormatOptions {
  /** ANSI colors; the caller decides (TTY, NO_COLOR, FORCE_COLOR). */
  color: boolean;
  /** Paths are shown relative to this folder. */
  cwd: string;
  /** Reads a source file for the excerpt; default: the file system. Undefined when unreadable. */
  readFile?: (file: string) => string | undefined;
}

const ansi = { red: '\x1b[31m', cyan: '\x1b[36m', bold: '\x1b[1m', dim: '\x1b[2m', reset: '\x1b[0m' } as const;

/**
 * One diagnostic as a compiler would print it:
 *   images.yaml:12:5: error: unknown key "contxt" in image "api"; did you mean "context"?
 *     12 |     contxt: services/api
 *        |     ^~~~~~
 *     hint: …
 * followed by its related locations, each the same way with a "note:" label.
 */
export function formatDiagnostic(d: Diagnostic, options: FormatOptions): string {
  const paint = painter(options.color);
  const readSource = options.readFile ?? readText;
  const sources = new Map<string, string[] | undefined>();
  const linesOf = (file: string): string[] | undefined => {
    if (!sources.has(file)) sources.set(file, readSource(file)?.split(/\r?\n/));
    return sources.get(file);
  };
  const block = (label: 'error' | 'note', message: string, location: SourceLocation | undefined): string[] => {
    const tag = label === 'error' ? paint(ansi.red + ansi.bold, 'error:') : paint(ansi.cyan + ansi.bold, 'note:');
    const head = `${tag} ${paint(ansi.bold, message)}`;
    if (!location) return [head];
    const where = `${shownPath(location.file, options.cwd)}:${location.line}:${location.column}`;
    // A credential file is not even read.
    return [`${paint(ansi.bold, where)}: ${head}`, ...excerpt(location, location.secret ? undefined : linesOf(location.file), paint)];
  };
  const lines = block('error', d.message, d.location);
  if (d.hint !== undefined) lines.push(`  ${paint(ansi.cyan, 'hint:')} ${d.hint}`);
  for (const related of d.related ?? []) lines.push(...block('note', related.message, related.location));
  return lines.join('\n');
}

/** Several diagnostics, separated by blank lines, with a count line (`2 errors`) when more than one. */
export function formatDiagnostics(list: readonly Diagnostic[], options: FormatOptions): string {
  const parts = list.map((d) => formatDiagnostic(d, options));
  if (list.length > 1) parts.push(`${list.length} errors`);
  return parts.join('\n\n');
}

function excerpt(location: SourceLocation, lines: string[] | undefined, paint: Paint): string[] {
  const text = lines?.[location.line - 1];
  if (text === undefined) return [];
  const number = String(location.line);
  const gutter = ' '.repeat(number.length);
  const start = Math.min(location.column - 1, text.length);
  // A span running onto later lines is marked to the end of its first line.
  const end =
    location.endLine === undefined || location.endColumn === undefined
      ? start + 1
      : location.endLine > location.line
        ? Math.max(text.trimEnd().length, start + 1)
        : Math.max(location.endColumn - 1, start + 1);
  // Keep tabs so the marker lines up under tab-indented source.
  const padding = text.slice(0, start).replace(/[^\t]/g, ' ');
  const marker = `^${'~'.repeat(end - start - 1)}`;
  return [
    `  ${paint(ansi.dim, `${number} |`)} ${text}`.trimEnd(),
    `  ${paint(ansi.dim, `${gutter} |`)} ${padding}${paint(ansi.red, marker)}`,
  ];
}

type Paint = (style: string, text: string) => string;

function painter(color: boolean): Paint {
  return color ? (style, text) => `${style}${text}${ansi.reset}` : (_style, text) => text;
}

function shownPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative === '' || path.isAbsolute(relative) ? file : relative;
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
