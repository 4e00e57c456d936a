import type { Diagnostic, SourceLocation } from '../diagnostics/diagnostic.js';
import { diagnostic } from '../diagnostics/diagnostic.js';
import type { Position } from './positions.js';
import type { Expansion } from './shell-words.js';
import type { Result } from '../util/result.js';
import type { ImageReference, ReferenceKind, StageInfo } from './types.js';
import { parseReference } from '../model/reference.js';

/** State shared by the instruction handlers while analyzeDockerfile walks one file. */
export interface AnalyzeContext {
  file: string;
  displayPath: string;
  /** Every stage name in the file (lowercased) → its index; COPY --from may name a later stage. */
  stageNames: Map<string, number>;
  stageCount: number;
  stages: StageInfo[];
  references: ImageReference[];
  diagnostics: Diagnostic[];
  /**
   * The text of a one-line range as written: dockerfile-ast's getValue() has already removed the
   * escape characters, which BuildKit leaves to its shell lexer (`\/` in `${V//\//-}`).
   */
  source: (range: Range) => string | undefined;
}

/** A zero-based range as dockerfile-ast reports it. */
export interface Range {
  start: Position;
  end: Position;
}

/** What a reference looked like and where, before it is resolved. */
export interface ReferenceSite {
  kind: ReferenceKind;
  stage: number;
  raw: string;
  location: SourceLocation;
  /** Text for messages: `FROM ${BASE}`, `COPY --from=x`. */
  describe: string;
}

/** Reports an expansion failure or an empty result; returns the expanded value when usable. */
export function expandedOrReport(
  context: AnalyzeContext,
  site: ReferenceSite,
  expansion: Result<Expansion, string>,
): string | undefined {
  if (!expansion.ok) {
    context.diagnostics.push(
      diagnostic('usage', `${site.describe}: ${expansion.error}`, {
        location: site.location,
        hint: 'Fix the variable substitution; kiln expands it as the engine does.',
      }),
    );
    return undefined;
  }
  const { value, unset } = expansion.value;
  if (value.trim() === '') {
    const names = unset.length > 0 ? unset.map((n) => `$${n}`).join(', ') : 'the variables it uses';
    context.diagnostics.push(
      diagnostic('usage', `${site.describe} expands to an empty image name`, {
        location: site.location,
        hint:
          site.kind === 'from'
            ? `Give ${names} a default with ARG before the first FROM, or pass it as a build arg.`
            : 'Give it a stage name, a stage index or an image.',
      }),
    );
    return undefined;
  }
  return value;
}

/** Records a reference to an image (not a stage), checking it is a valid docker reference. */
export function addImageReference(context: AnalyzeContext, site: ReferenceSite, ref: string): void {
  if (ref !== 'scratch') {
    const parsed = parseReference(ref);
    if (!parsed.ok) {
      context.diagnostics.push(
        diagnostic('usage', `invalid image reference "${ref}" in ${site.describe}: ${parsed.error}`, {
          location: site.location,
          hint: 'An image reference is [registry[:port]/]repository[:tag][@digest], in lowercase.',
        }),
      );
      return;
    }
  }
  context.references.push({ kind: site.kind, stage: site.stage, raw: site.raw, ref, location: site.location });
}
