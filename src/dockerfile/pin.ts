import { analyzeDockerfile } from './analyze.js';
import { LineIndex } from './positions.js';

/** What the Dockerfile is built with, so references expand as they will in the build. */
export interface PinOptions {
  buildArgs?: Record<string, string>;
  platform?: string;
}

/**
 * Rewrites image references (FROM, COPY --from, RUN --mount from=) that `pins` knows, by the
 * reference as written or as expanded, to the pinned form (`repo@sha256:…` or
 * `repo:tag@sha256:…`), leaving every other byte as it was. A FROM written with ARGs has its
 * whole argument replaced by the pinned literal, so no build arg can move it afterwards.
 * A Dockerfile that does not analyze cleanly comes back unchanged (the planner reports it).
 */
export function pinBaseImages(text: string, pins: Map<string, string>, options: PinOptions = {}): string {
  const analysis = analyzeDockerfile({ file: 'Dockerfile', text, ...options });
  if (!analysis.ok) return text;
  const lines = new LineIndex(text);
  const edits: { start: number; end: number; replacement: string }[] = [];
  for (const reference of analysis.value.references) {
    if (reference.stageRef !== undefined || reference.ref === 'scratch') continue;
    const pinned = pins.get(reference.raw) ?? pins.get(reference.ref);
    const { line, column, endLine, endColumn } = reference.location;
    if (pinned === undefined || endLine === undefined || endColumn === undefined) continue;
    edits.push({ start: lines.offsetOf(line, column), end: lines.offsetOf(endLine, endColumn), replacement: pinned });
  }
  edits.sort((a, b) => b.start - a.start);
  let result = text;
  for (const edit of edits) result = result.slice(0, edit.start) + edit.replacement + result.slice(edit.end);
  return result;
}
