import { KilnError, diagnostic } from '../diagnostics/diagnostic.js';
import type { Diagnostic, DiagnosticKind } from '../diagnostics/diagnostic.js';

/** Why a build failed: a RUN command exited non-zero, the Dockerfile is wrong, or anything else. */
export type BuildFailureKind = 'run' | 'dockerfile' | 'other';

/**
 * A failed build. `message` is the engine's error; `run` failures exit 1, `dockerfile` failures
 * exit 2 (they carry the Dockerfile line when the engine names one), `other` exit 1.
 */
export class BuildError extends KilnError {
  readonly kind: BuildFailureKind;
  /** The failing step's name (`RUN npm ci`), when progress named one. */
  readonly step: string | undefined;
  /** The failing step's last output lines. */
  readonly logs: string[];
  /** The Dockerfile line the engine blamed. */
  readonly line: number | undefined;
  /** The exit code of a failed RUN. */
  readonly exitCode: number | undefined;
  readonly hint: string | undefined;

  constructor(options: { message: string; kind: BuildFailureKind; step?: string; logs?: string[]; line?: number; exitCode?: number; hint?: string; dockerfile?: string }) {
    super(buildDiagnostic(options));
    this.name = 'BuildError';
    this.kind = options.kind;
    this.step = options.step;
    this.logs = options.logs ?? [];
    this.line = options.line;
    this.exitCode = options.exitCode;
    this.hint = options.hint;
  }
}

function buildDiagnostic(options: { message: string; kind: BuildFailureKind; line?: number; hint?: string; dockerfile?: string }): Diagnostic {
  const kind: DiagnosticKind = options.kind === 'dockerfile' ? 'usage' : 'failed';
  const location = options.dockerfile && options.line !== undefined ? { file: options.dockerfile, line: options.line, column: 1 } : undefined;
  return diagnostic(kind, options.message, { ...(location ? { location } : {}), ...(options.hint ? { hint: options.hint } : {}) });
}

/** Messages of a Dockerfile the frontend or classic builder rejected (spec §2.3, verified on 20.10). */
const dockerfilePatterns = [
  /dockerfile parse error/i,
  /unknown instruction/i,
  /target stage .* could not be found/i,
  /failed to reach build target/i,
  /failed to read dockerfile/i,
  /Cannot locate specified Dockerfile/i,
];

/** "failed to create LLB definition" also wraps base-image resolution failures, which are not the Dockerfile's fault. */
const registryPatterns = /failed to do request|dial tcp|no such host|pull access denied|manifest unknown|no active sessions|unauthorized|denied|not found/i;

/** Messages of a RUN that exited non-zero: BuildKit 20.10, newer BuildKit, classic. */
const runPattern = /executor failed running|did not complete successfully: exit code|returned a non-zero code/;

/** Classifies an engine build error message into a BuildError. */
export function classifyBuildError(options: { message: string; step?: string; logs?: string[]; dockerfile?: string }): BuildError {
  const { message } = options;
  const common = { message, ...(options.step ? { step: options.step } : {}), logs: options.logs ?? [], ...(options.dockerfile ? { dockerfile: options.dockerfile } : {}) };
  if (runPattern.test(message)) {
    const code = /(?:exit code|non-zero code): (\d+)/.exec(message)?.[1];
    return new BuildError({
      ...common,
      kind: 'run',
      ...(code ? { exitCode: Number(code) } : {}),
      hint: `the command exited with ${code ? `code ${code}` : 'an error'}; its output is above`,
    });
  }
  const llb = /failed to create LLB definition/.test(message) && !registryPatterns.test(message);
  if (llb || dockerfilePatterns.some((pattern) => pattern.test(message))) {
    const line = /line (\d+)/.exec(message)?.[1];
    return new BuildError({ ...common, kind: 'dockerfile', ...(line ? { line: Number(line) } : {}), hint: 'fix the Dockerfile' });
  }
  const hint = /dial tcp|no such host|failed to do request/.test(message)
    ? 'a base image is neither local nor in a reachable registry; build or pull it first'
    : undefined;
  return new BuildError({ ...common, kind: 'other', ...(hint ? { hint } : {}) });
}
