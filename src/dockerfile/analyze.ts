import { DockerfileParser, type Arg, type Copy, type From, type Run } from 'dockerfile-ast';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { fail, ok, type Result } from '../util/result.js';
import type { AnalyzeContext } from './context.js';
import { analyzeFrom, collectStageNames } from './from-instruction.js';
import { checkInstructions } from './instruction-checks.js';
import { PLATFORM_ARGS, platformArgs } from './platform.js';
import { LineIndex, toLocation } from './positions.js';
import { VariableScope, type ArgSources } from './scope.js';
import { analyzeCopy, analyzeRunMounts } from './stage-sources.js';
import type { DockerfileAnalysis } from './types.js';

/** What analyzeDockerfile reads. */
export interface AnalyzeOptions {
  /** Path used in locations (absolute, as SourceLocation wants). */
  file: string;
  text: string;
  /** Build args of the image; they override ARG defaults as `--build-arg` does. */
  buildArgs?: Record<string, string>;
  /** How messages name the file (a project-relative path); defaults to `file`. */
  displayPath?: string;
  /** Target platform `os/arch[/variant]` for TARGETPLATFORM & co.; defaults to the host's. */
  platform?: string;
  /** The classic builder defines no automatic platform ARGs (`$TARGETARCH` is unset there). Default: buildkit. */
  builder?: 'buildkit' | 'classic';
}

/**
 * Reads a Dockerfile's stages and every FROM / COPY --from / RUN --mount from= reference,
 * expanding ARGs as the engine would for these build args. Structural errors the engine would
 * reject come back as usage diagnostics with locations.
 */
export function analyzeDockerfile(options: AnalyzeOptions): Result<DockerfileAnalysis, Diagnostic[]> {
  const { file, text } = options;
  const displayPath = options.displayPath ?? file;
  const dockerfile = DockerfileParser.parse(text);
  const escapeChar = dockerfile.getEscapeCharacter();
  const diagnostics = checkInstructions(dockerfile, file, displayPath);
  const instructions = dockerfile.getInstructions();
  const froms = instructions.filter((i): i is From => i.getKeyword() === 'FROM');
  const context: AnalyzeContext = {
    file,
    displayPath,
    stageNames: collectStageNames(froms),
    stageCount: froms.length,
    stages: [],
    references: [],
    diagnostics,
    source: sourceOf(text),
  };

  const buildArgs = options.buildArgs ?? {};
  // A build arg overrides an automatic platform ARG even where no ARG declares it (defaultArgs).
  const automatic: Record<string, string> = options.builder === 'classic' ? {} : platformArgs(options.platform);
  if (options.builder !== 'classic') for (const name of PLATFORM_ARGS) if (Object.hasOwn(buildArgs, name)) automatic[name] = buildArgs[name] ?? '';
  const auto = (name: string): string | undefined => automatic[name];
  const globalScope = new VariableScope(escapeChar, auto);
  const globalArgs: Record<string, string | undefined> = {};
  const sources: ArgSources = { buildArgs };
  let inStage = false;

  for (const instruction of instructions) {
    switch (instruction.getKeyword()) {
      case 'FROM':
        analyzeFrom(context, instruction as From, globalScope);
        inStage = true;
        break;
      case 'ARG':
        // Only ARGs before the first FROM reach FROM; stage ARGs expand nothing kiln reads
        // (BuildKit does not expand variables in --from or mount from=).
        if (inStage) break;
        for (const property of (instruction as Arg).getProperties()) {
          const declared = globalScope.declareArg(property, sources);
          if (!declared.ok) report(context, `ARG ${property.getName()}: ${declared.error}`, property.getRange());
          else globalArgs[property.getName()] = declared.value;
        }
        break;
      case 'COPY':
        if (inStage) analyzeCopy(context, instruction as Copy, context.stages.length - 1, escapeChar);
        break;
      case 'RUN':
        if (inStage) analyzeRunMounts(context, instruction as Run, context.stages.length - 1, escapeChar);
        break;
      default:
        break;
    }
  }

  if (diagnostics.length > 0) return fail(diagnostics);
  return ok({
    file,
    ...(options.displayPath !== undefined && { displayPath }),
    stages: context.stages,
    references: context.references,
    globalArgs,
  });
}

function sourceOf(text: string): AnalyzeContext['source'] {
  let lines: LineIndex | undefined;
  return (range) => {
    // A range over several lines holds line continuations: dockerfile-ast's value is used for those.
    if (range.start.line !== range.end.line) return undefined;
    lines ??= new LineIndex(text);
    return text.slice(lines.offsetAt(range.start), lines.offsetAt(range.end));
  };
}

function report(context: AnalyzeContext, message: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }): void {
  context.diagnostics.push(
    diagnostic('usage', message, {
      location: toLocation(context.file, range.start, range.end),
      hint: 'Fix the variable substitution; kiln expands it as the engine does.',
    }),
  );
}
