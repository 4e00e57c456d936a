import { analyzeDockerfile } from './analyze.js';
import { LineIndex } from './positions.js';

/** What the Dockerfile is built with, so references expand as they will in the build. */
export interface PinOptions {
  buildArgs?: Record<string, string>;
  platform?: string;
}

/** A Dockerfile text with some references replaced, and which keys of the map were used. */
export interface RewrittenDockerfile {
  text: string;
  /** The keys of the replacement map that named at least one reference. */
  replaced: Set<string>;
}

/**
 * Rewrites image references (FROM, COPY --from, RUN --mount from=) that `replacements` knows, by
 * the reference as written or as expanded, leaving every other byte as it was (so every line keeps
 * its number). A FROM written with ARGs has its whole argument replaced by the literal, so no build
 * arg can move it afterwards. A Dockerfile that does not analyze cleanly comes back unchanged.
 */
export function rewriteReferences(text: string, replacements: ReadonlyMap<string, string>, options: PinOptions = {}): RewrittenDockerfile {
  const replaced = new Set<string>();
  const analysis = analyzeDockerfile({ file: 'Dockerfile', text, ...options });
  if (!analysis.ok) return { text, replaced };
  const lines = new LineIndex(text);
  const edits: { start: number; end: number; replacement: string }[] = [];
  for (const reference of analysis.value.references) {
    if (reference.stageRef !== undefined || reference.ref === 'scratch') continue;
    const key = replacements.has(reference.raw) ? reference.raw : reference.ref;
    const replacement = replacements.get(key);
    const { line, column, endLine, endColumn } = reference.location;
    if (replacement === undefined || endLine === undefined || endColumn === undefined) continue;
    edits.push({ start: lines.offsetOf(line, column), end: lines.offsetOf(endLine, endColumn), replacement });
    replaced.add(key);
  }
  edits.sort((a, b) => b.start - a.start);
  let result = text;
  for (const edit of edits) result = result.slice(0, edit.start) + edit.replacement + result.slice(edit.end);
  return { text: result, replaced };
}

/**
 * Rewrites the references `pins` knows to their pinned form (`repo@sha256:…` or
 * `repo:tag@sha256:…`), as {@link rewriteReferences} does.
 */
export function pinBaseImages(text: string, pins: ReadonlyMap<string, string>, options: PinOptions = {}): string {
  return rewriteReferences(text, pins, options).text;
}
