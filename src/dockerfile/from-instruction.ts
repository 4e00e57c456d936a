import type { From } from 'dockerfile-ast';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { parsePlatform } from '../model/platform.js';
import { parseReference } from '../model/reference.js';
import { toLocation } from './positions.js';
import type { VariableScope } from './scope.js';
import type { Expansion } from './shell-words.js';
import { addImageReference, expandedOrReport, type AnalyzeContext, type ReferenceSite } from './context.js';
import type { StageInfo } from './types.js';

// BuildKit's stage name rule (instructions/parse.go: validStageName).
const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

/** The stage names of a file (lowercased) → index, read before the walk: names are never expanded. */
export function collectStageNames(froms: From[]): Map<string, number> {
  const names = new Map<string, number>();
  froms.forEach((from, index) => {
    const args = from.getArguments();
    const name = args.length === 3 ? args[2]?.getValue().toLowerCase() : undefined;
    if (name !== undefined && !names.has(name)) names.set(name, index);
  });
  return names;
}

/**
 * Handles one FROM: checks its shape and stage name, expands its image against the global
 * scope, and records the stage and its reference.
 */
export function analyzeFrom(context: AnalyzeContext, from: From, globalScope: VariableScope): void {
  const { file } = context;
  const index = context.stages.length;
  const args = from.getArguments();
  const keywordRange = from.getInstructionRange();
  const image = args[0];
  if (image === undefined) {
    context.diagnostics.push(
      diagnostic('usage', 'FROM requires an image', {
        location: toLocation(file, keywordRange.start, keywordRange.end),
        hint: 'Write FROM <image>[:tag] [AS <name>].',
      }),
    );
    // A placeholder keeps later stages at the indexes the engine would give them.
    context.stages.push({ index, base: '', baseRaw: '', location: toLocation(file, keywordRange.start, keywordRange.end) });
    return;
  }
  const location = toLocation(file, image.getRange().start, image.getRange().end);
  if ((args.length !== 1 && args.length !== 3) || (args.length === 3 && args[1]?.getValue().toUpperCase() !== 'AS')) {
    context.diagnostics.push(
      diagnostic('usage', 'FROM requires either one or three arguments', {
        location: toLocation(file, keywordRange.start, from.getRange().end),
        hint: 'Write FROM <image>[:tag] [AS <name>].',
      }),
    );
    context.stages.push({ index, base: '', baseRaw: image.getValue(), location });
    return;
  }
  const name = checkStageName(context, from, index);
  const raw = context.source(image.getRange()) ?? image.getValue();
  const site: ReferenceSite = { kind: 'from', stage: index, raw, location, describe: `FROM ${raw}` };
  const stage: StageInfo = { index, base: '', baseRaw: raw, location, ...(name !== undefined && { name }) };
  context.stages.push(stage);

  const platformFlag = from.getPlatformFlag();
  const range = platformFlag?.getValueRange() ?? platformFlag?.getRange();
  const platformRaw = range && (context.source(range) ?? platformFlag?.getValue());
  if (platformFlag && range && platformRaw) {
    const platform = globalScope.expand(platformRaw);
    const problem = platform.ok ? platformProblem(platform.value.value) : platform.error;
    if (problem === undefined && platform.ok) stage.platform = platform.value.value;
    else
      context.diagnostics.push(
        diagnostic('usage', `FROM --platform=${platformRaw}: ${problem}`, {
          location: toLocation(file, range.start, range.end),
          hint: 'A platform is os/arch[/variant] (linux/amd64), or $BUILDPLATFORM / $TARGETPLATFORM.',
        }),
      );
  }

  const expansion = globalScope.expand(raw);
  const missing = expansion.ok ? missingVariables(site, expansion.value, globalScope) : undefined;
  if (missing) {
    context.diagnostics.push(missing);
    return;
  }
  const ref = expandedOrReport(context, site, expansion);
  if (ref === undefined) return;
  stage.base = ref;
  // FROM can only name a stage defined above it; otherwise the name is an image.
  const earlier = context.stageNames.get(ref.toLowerCase());
  if (earlier !== undefined && earlier < index) {
    stage.baseStage = earlier;
    context.references.push({ kind: 'from', stage: index, raw, ref, stageRef: earlier, location });
    return;
  }
  addImageReference(context, site, ref);
}

/**
 * The refusal of a FROM whose image is blank or not a reference because variables had no value
 * (`ARG X` then `FROM alpine:\${X}`), as BuildKit refuses it ("base name should not be blank", or
 * an invalid reference), naming the variables and how to give them a value. Undefined when the
 * image is usable, or unusable for another reason.
 */
function missingVariables(site: ReferenceSite, expansion: Expansion, scope: VariableScope): Diagnostic | undefined {
  const { value, unset } = expansion;
  if (unset.length === 0) return undefined;
  const blank = value.trim() === '';
  if (!blank && (value === 'scratch' || parseReference(value).ok)) return undefined;
  const described = unset.map((name) => {
    const current = scope.get(name);
    return current === '' ? `${name} is empty` : scope.declared(name) ? `ARG ${name} has no value` : `${name} is not declared before the first FROM`;
  });
  const outcome = blank ? 'the image name is blank' : `the image is "${value}", not a valid reference`;
  const [first = 'X'] = unset;
  const undeclared = unset.filter((name) => !scope.declared(name));
  const declare = undeclared.length > 0 ? `Declare ${undeclared.map((n) => `ARG ${n}`).join(', ')} before the first FROM, then set` : 'Set';
  return diagnostic('usage', `${site.describe}: ${described.join(', ')}, so ${outcome}`, {
    location: site.location,
    hint: `${declare} ${unset.length > 1 ? 'them' : 'it'} for the image with "args: { ${first}: <value> }" in images.yaml or --set <image>.args.${first}=<value>, or give the ARG a default (ARG ${first}=<value>).`,
  });
}

/** Why BuildKit refuses an expanded FROM --platform value (empty, or not one platform); undefined when it takes it. */
function platformProblem(value: string): string | undefined {
  if (value === '') return 'empty platform value';
  const parsed = parsePlatform(value, { os: 'linux', architecture: 'amd64' });
  return parsed.ok ? undefined : `invalid platform ${parsed.error}`;
}

function checkStageName(context: AnalyzeContext, from: From, index: number): string | undefined {
  const nameArg = from.getArguments()[2];
  if (nameArg === undefined) return undefined;
  const name = nameArg.getValue().toLowerCase();
  const location = toLocation(context.file, nameArg.getRange().start, nameArg.getRange().end);
  if (!STAGE_NAME.test(name)) {
    context.diagnostics.push(
      diagnostic('usage', `invalid stage name "${nameArg.getValue()}"`, {
        location,
        hint: 'A stage name starts with a letter and holds only letters, digits, "-", "_" and ".".',
      }),
    );
  }
  const first = context.stageNames.get(name);
  if (first !== undefined && first !== index) {
    const firstStage = context.stages[first];
    context.diagnostics.push(
      diagnostic('usage', `duplicate stage name "${name}"`, {
        location,
        hint: 'Give each stage its own name.',
        ...(firstStage && { related: [{ message: `stage "${name}" is first defined here`, location: firstStage.location }] }),
      }),
    );
  }
  return name;
}
