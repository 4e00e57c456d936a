/** A position in a user's file, 1-based line and column, as editors show them. */
export interface SourceLocation {
  /** Absolute path of the file. */
  file: string;
  line: number;
  column: number;
  /** End of the span (inclusive line, exclusive column); a single character when absent. */
  endLine?: number;
  endColumn?: number;
  /** The file holds credentials (docker's config.json): print where, never its lines. */
  secret?: boolean;
}

/** What kind of failure a diagnostic reports; decides the exit code. */
export type DiagnosticKind =
  /** Bad manifest, config, Dockerfile or command-line usage: exit 2. */
  | 'usage'
  /** Engine or registry unreachable or refusing: exit 3. */
  | 'unavailable'
  /** A build or push that failed: exit 1. */
  | 'failed';

/** A problem a user can cause and fix: where, what, and what to do about it. */
export interface Diagnostic {
  kind: DiagnosticKind;
  message: string;
  location?: SourceLocation;
  /** What to do about it, one sentence. */
  hint?: string;
  /** Further places involved (every edge of a cycle, the other definition of a duplicate). */
  related?: { message: string; location: SourceLocation }[];
}

/** Thrown at a boundary to carry diagnostics up to the CLI, which prints them and exits. */
export class KilnError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic | Diagnostic[]) {
    const list = Array.isArray(diagnostics) ? diagnostics : [diagnostics];
    super(list.map((d) => d.message).join('\n'));
    this.name = 'KilnError';
    this.diagnostics = list;
  }
}

/** Builds a diagnostic in one call. */
export function diagnostic(
  kind: DiagnosticKind,
  message: string,
  extra: Omit<Diagnostic, 'kind' | 'message'> = {},
): Diagnostic {
  return { kind, message, ...extra };
}
