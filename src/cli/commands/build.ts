import { Option, type Command } from 'commander';
import { buildImages, type BuildOptions, type BuildResult } from '../../build/build.js';
import { createEngine } from '../../engine/index.js';
import type { BuilderKind } from '../../model/project.js';
import { createDockerCredentialStore } from '../../registry/index.js';
import { createReporter } from '../../ui/select.js';
import { KilnError } from '../../diagnostics/diagnostic.js';
import { ExitCode } from '../exit-codes.js';
import { reportDiagnostics } from '../report-error.js';
import type { CliIO } from '../io.js';
import { loadGraph, type ManifestOptions } from '../load.js';
import { manifestOptions, positiveInt, progressOption } from '../options.js';
import { withInterrupt } from '../interrupt.js';
import { withRunLock } from '../run-lock.js';
import { createRegistryAccess } from '../../push/registry-access.js';
import { push, registryCacheFlag } from './push.js';

/** Options of `kiln build`. */
export interface BuildCommandOptions extends ManifestOptions {
  concurrency?: number;
  keepGoing?: boolean;
  cache?: boolean;
  pull?: boolean;
  builder?: BuilderKind;
  progress?: 'auto' | 'tty' | 'plain' | 'json';
  /** `--push`: push every tag after the whole selection built (see push.ts). */
  push?: boolean;
  /** `--no-registry-cache` sets false. */
  registryCache?: boolean;
}

/** The build options that `kiln build`, `kiln push` and each `kiln watch` round take alike from the flags and docker's config. */
export function flagBuildOptions(io: CliIO, options: BuildCommandOptions): Pick<BuildOptions, 'credentials' | 'onNote' | 'concurrency' | 'keepGoing' | 'noCache' | 'pull' | 'builder'> {
  return {
    credentials: createDockerCredentialStore({ env: io.env }),
    onNote: (message) => io.stderr.write(`kiln: note: ${message}\n`),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    keepGoing: options.keepGoing ?? false,
    noCache: options.cache === false,
    pull: options.pull ?? false,
    ...(options.builder ? { builder: options.builder } : {}),
  };
}

/** `kiln build [names...]`: builds what changed, in dependency order, in parallel. */
export async function build(io: CliIO, options: BuildCommandOptions, names: string[]): Promise<ExitCode> {
  if (options.push) return push(io, options, names);
  const resolved = await loadGraph(io, options, names);
  const engine = createEngine({ env: io.env });
  const access = options.registryCache === false ? undefined : createRegistryAccess({ env: io.env, insecureRegistries: resolved.graph.project.insecureRegistries });
  const reporter = createReporter({ progress: options.progress ?? 'auto', stdout: io.stdout, stderr: io.stderr, env: io.env });
  let result: BuildResult;
  try {
    result = await withInterrupt(io, (signal) =>
      withRunLock(io, { root: resolved.graph.project.root, command: 'kiln build', signal }, () =>
        buildImages({
          resolved,
          engine,
          sink: reporter,
          signal,
          ...flagBuildOptions(io, options),
          ...(access ? { registryCache: access } : {}),
        }),
      ),
    );
  } finally {
    await reporter.close();
    await access?.close();
    await engine.close();
  }
  reportDockerfileErrors(io, result);
  return buildExitCode(result);
}

/**
 * A Dockerfile the engine rejected is the user's to fix: print it as a located diagnostic
 * (`api/Dockerfile:3:1: error: ...` with the line), which the progress output cannot show.
 */
export function reportDockerfileErrors(io: CliIO, result: Pick<BuildResult, 'failures'>): void {
  const diagnostics = result.failures.flatMap((f) =>
    f.error instanceof KilnError && (f.error as { kind?: string }).kind === 'dockerfile' ? f.error.diagnostics : [],
  );
  if (diagnostics.length > 0) reportDiagnostics(io, diagnostics);
}

/** 130 when interrupted, 2 when the engine rejected a Dockerfile, 1 when a build failed, else 0. */
export function buildExitCode(result: { interrupted: boolean; failures: { error: unknown }[] }): ExitCode {
  if (result.interrupted) return ExitCode.interrupted;
  if (result.failures.length === 0) return ExitCode.ok;
  const dockerfileOnly = result.failures.every((f) => (f.error as { kind?: string } | undefined)?.kind === 'dockerfile');
  return dockerfileOnly ? ExitCode.usage : ExitCode.failed;
}

/** Adds the build flags shared by `build` and `watch`. */
export function buildFlags(command: Command): Command {
  return progressOption(manifestOptions(command))
    .option('-j, --concurrency <n>', 'images built at once (default: 2–4, from the CPU count)', positiveInt('--concurrency'))
    .option('--keep-going', 'after a failure, still build everything that does not depend on it')
    .option('--no-cache', 'rebuild every selected image, ignoring kiln\'s and the engine\'s caches')
    .option('--pull', 'always look for newer base images')
    .addOption(new Option('--builder <builder>', 'buildkit or classic, for every image').choices(['buildkit', 'classic']));
}

/** Registers the command. */
export function registerBuild(program: Command, io: CliIO, run: (p: Promise<ExitCode>) => void): void {
  registryCacheFlag(buildFlags(program.command('build').argument('[names...]', 'images or groups (default: all)').description('build what changed, in dependency order, in parallel')))
    .option('--push', 'after every selected image built, push its tags and content tag (nothing when one failed)')
    .action(
    (names: string[], _options: BuildCommandOptions, command: Command) => run(build(io, command.optsWithGlobals(), names)),
  );
}
