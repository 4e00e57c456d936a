import type { Copy, Flag, Run } from 'dockerfile-ast';
import { diagnostic } from '../diagnostics/diagnostic.js';
import { parseMountFields } from './mount-options.js';
import { toLocation } from './positions.js';
import { expandWord } from './shell-words.js';
import { addImageReference, expandedOrReport, type AnalyzeContext, type ReferenceSite } from './context.js';

/** Handles `COPY --from=<stage name|index|image>` (ADD has no --from). */
export function analyzeCopy(context: AnalyzeContext, copy: Copy, stage: number, escapeChar: string): void {
  // Copy.getFromFlag() only finds --from when it is the sole flag (`COPY --link --from=x` has two).
  const flag = copy.getFlags().find((f) => f.getName().toLowerCase() === 'from');
  if (flag === undefined) return;
  const raw = flag.getValue();
  const range = flag.getValueRange() ?? flag.getRange();
  const location = toLocation(context.file, range.start, range.end);
  if (raw === null || raw === '') {
    context.diagnostics.push(
      diagnostic('usage', 'COPY --from needs a value', {
        location,
        hint: 'Write COPY --from=<stage name, stage index or image> <src> <dest>.',
      }),
    );
    return;
  }
  const site: ReferenceSite = { kind: 'copy-from', stage, raw, location, describe: `COPY --from=${raw}` };
  const ref = literal(context, site, escapeChar);
  if (ref === undefined) return;
  // BuildKit (dockerfile2llb toCommand): a number is a stage index, else a stage name, else an image.
  if (/^\d+$/.test(ref)) {
    const index = Number(ref);
    if (index >= context.stageCount || index === stage) {
      context.diagnostics.push(
        diagnostic('usage', index === stage ? `COPY --from=${ref} refers to its own stage` : `invalid stage index ${ref}`, {
          location,
          hint: `Stage indexes of ${context.displayPath} are 0 to ${context.stageCount - 1}; copy from another stage.`,
        }),
      );
      return;
    }
    context.references.push({ kind: 'copy-from', stage, raw, ref, stageRef: index, location });
    return;
  }
  addStageOrImage(context, site, ref);
}

/** Handles every `RUN --mount=...,from=<stage name|image>` (BuildKit resolves mounts by name only). */
export function analyzeRunMounts(context: AnalyzeContext, run: Run, stage: number, escapeChar: string): void {
  for (const flag of run.getFlags()) {
    if (flag.getName().toLowerCase() !== 'mount') continue;
    const raw = flag.getValue();
    const range = flag.getValueRange();
    if (raw === null || range === null) continue;
    for (const field of parseMountFields(raw)) {
      if (field.key !== 'from' || field.value === '') continue;
      const start = { line: range.start.line, character: range.start.character + field.start };
      const end = { line: range.start.line, character: range.start.character + field.end };
      // Offsets only hold on one line; a value continued over lines gets a start-only location.
      const location = toLocation(context.file, start, range.start.line === range.end.line ? end : undefined);
      const site: ReferenceSite = { kind: 'mount-from', stage, raw: field.value, location, describe: mountDescription(flag) };
      const ref = literal(context, site, escapeChar);
      if (ref !== undefined) addStageOrImage(context, site, ref);
    }
  }
}

/**
 * The value with quotes and escapes removed. BuildKit never expands variables in --from or
 * mount from= (only global ARGs reach FROM), so a variable there is reported, as newer
 * BuildKit does, with its workaround.
 */
function literal(context: AnalyzeContext, site: ReferenceSite, escapeChar: string): string | undefined {
  const expansion = expandWord(site.raw, { escapeChar, lookup: () => undefined });
  if (expansion.ok && expansion.value.used.length > 0) {
    const name = expansion.value.used[0] ?? 'IMAGE';
    context.diagnostics.push(
      diagnostic('usage', `${site.describe}: variable expansion is not supported in --from or mount from=`, {
        location: site.location,
        hint: `Declare ARG ${name} before the first FROM, add a stage "FROM \$${name} AS <name>", and refer to that stage name instead.`,
      }),
    );
    return undefined;
  }
  return expandedOrReport(context, site, expansion);
}

function addStageOrImage(context: AnalyzeContext, site: ReferenceSite, ref: string): void {
  const named = context.stageNames.get(ref.toLowerCase());
  if (named === site.stage) {
    context.diagnostics.push(
      diagnostic('usage', `${site.describe} refers to its own stage`, {
        location: site.location,
        hint: 'A stage cannot read from itself; name an earlier stage or an image.',
      }),
    );
    return;
  }
  if (named !== undefined) {
    context.references.push({ kind: site.kind, stage: site.stage, raw: site.raw, ref, stageRef: named, location: site.location });
    return;
  }
  addImageReference(context, site, ref);
}

function mountDescription(flag: Flag): string {
  return `RUN --mount=${flag.getValue() ?? ''}`;
}
