import { diagnostic, type Diagnostic, type SourceLocation } from '../diagnostics/diagnostic.js';
import { fail, ok, type Result } from '../util/result.js';
import { closest } from '../util/suggest.js';
import type { DockerfileAnalysis, ImageReference } from './types.js';

/**
 * The stages BuildKit runs to build `target` (default: the last stage): the target and every
 * stage it reaches through FROM and COPY/mount --from, in file order. `targetLocation` is where
 * the manifest names the target, for the diagnostic when it is not a stage.
 */
export function neededStages(
  analysis: DockerfileAnalysis,
  target?: string,
  targetLocation?: SourceLocation,
): Result<number[], Diagnostic> {
  const start = targetStage(analysis, target);
  if (start === undefined) return fail(unknownTarget(analysis, target ?? '', targetLocation));
  const needed = new Set<number>([start]);
  const queue = [start];
  for (let stage = queue.pop(); stage !== undefined; stage = queue.pop()) {
    for (const reference of analysis.references) {
      const next = reference.stage === stage ? reference.stageRef : undefined;
      if (next !== undefined && !needed.has(next)) {
        needed.add(next);
        queue.push(next);
      }
    }
  }
  return ok([...needed].sort((a, b) => a - b));
}

/**
 * The references of the stages needed for `target` that name images, not stages, and not
 * `scratch`: the images the planner matches against the manifest, or treats as external bases.
 * Empty for an unknown target (neededStages reports it).
 */
export function imageReferences(analysis: DockerfileAnalysis, target?: string): ImageReference[] {
  const stages = neededStages(analysis, target);
  if (!stages.ok) return [];
  const needed = new Set(stages.value);
  return analysis.references.filter((r) => needed.has(r.stage) && r.stageRef === undefined && r.ref !== 'scratch');
}

function targetStage(analysis: DockerfileAnalysis, target: string | undefined): number | undefined {
  if (target === undefined || target === '') return analysis.stages.length > 0 ? analysis.stages.length - 1 : undefined;
  // BuildKit finds a target by name only, case-insensitively.
  return analysis.stages.find((s) => s.name === target.toLowerCase())?.index;
}

function unknownTarget(analysis: DockerfileAnalysis, target: string, location?: SourceLocation): Diagnostic {
  const file = analysis.displayPath ?? analysis.file;
  const names = analysis.stages.flatMap((s) => (s.name === undefined ? [] : [s.name]));
  const listed = names.length > 0 ? `its stages are: ${names.join(', ')}` : 'it has no named stages';
  const guess = closest(target, names);
  const hint = guess
    ? `Did you mean "${guess}"?`
    : names.length > 0
      ? 'Set target to one of those stage names, or leave it out to build the last stage.'
      : 'Name a stage with FROM <image> AS <name>, or leave target out to build the last stage.';
  return diagnostic('usage', `target "${target}" is not a stage of ${file}; ${listed}`, {
    hint,
    ...(location && { location }),
  });
}
