import type { Command } from 'commander';
import { createEngine } from '../../engine/index.js';
import { buildAndPush, type BuildAndPushResult } from '../../push/build-and-push.js';
import { pushDiagnostics, toKilnError } from '../../push/diagnose.js';
import { createRegistryAccess } from '../../push/registry-access.js';
import { createReporter } from '../../ui/select.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIO } from '../io.js';
import { withInterrupt } from '../interrupt.js';
import { withRunLock } from '../run-lock.js';
import { loadGraph } from '../load.js';
import { reportDiagnostics } from '../report-error.js';
import { buildExitCode, buildFlags, flagBuildOptions, type BuildCommandOptions } from './build.js';

/** Options of `kiln push` (and of `kiln build --push`). */
export interface PushCommandOptions extends BuildCommandOptions {
  /** `--no-registry-cache` sets false. */
  registryCache?: boolean;
}

/**
 * `kiln push [names...]`: builds whatever is not built yet (a no-op when every key is), then, only
 * if every selected image succeeded, pushes each tag and the content tag `kiln-<key>`.
 */
export async function push(io: CliIO, options: PushCommandOptions, names: string[]): Promise<ExitCode> {
  const resolved = await loadGraph(io, options, names);
  const engine = createEngine({ env: io.env });
  const access = createRegistryAccess({ env: io.env, insecureRegistries: resolved.graph.project.insecureRegistries });
  const reporter = createReporter({ progress: options.progress ?? 'auto', stdout: io.stdout, stderr: io.stderr, env: io.env });
  let result: BuildAndPushResult;
  try {
    const command = options.push ? 'kiln build --push' : 'kiln push';
    result = await withInterrupt(io, (signal) =>
      withRunLock(io, { root: resolved.graph.project.root, command, signal }, () =>
        buildAndPush({
          resolved,
          engine,
          access,
          sink: reporter,
          signal,
          ...flagBuildOptions(io, options),
          ...(options.registryCache !== false ? { registryCache: access } : {}),
        }),
      ),
    ).catch((error: unknown) => {
      throw toKilnError(error);
    });
  } finally {
    await reporter.close();
    await access.close();
    await engine.close();
  }
  return pushExitCode(io, result);
}

/** The exit code of a build followed by a push, printing why nothing (or not everything) was pushed. */
export function pushExitCode(io: CliIO, result: BuildAndPushResult): ExitCode {
  const built = buildExitCode(result);
  if (result.push === undefined) {
    if (built !== ExitCode.interrupted) {
      const failed = result.failures.map((f) => f.image);
      const why = failed.length > 0 ? `${failed.join(', ')} failed to build` : 'not every selected image was built';
      io.stderr.write(`kiln: nothing pushed: ${why}\n`);
    }
    return built === ExitCode.ok ? ExitCode.failed : built;
  }
  if (result.push.failures.length === 0) return ExitCode.ok;
  return reportDiagnostics(io, pushDiagnostics(result.push.failures));
}

/** Adds `--no-registry-cache`. */
export function registryCacheFlag(command: Command): Command {
  return command.option('--no-registry-cache', 'do not look keys up in the registry (content tag kiln-<key>) before building');
}

/** Registers the command. */
export function registerPush(program: Command, io: CliIO, run: (p: Promise<ExitCode>) => void): void {
  registryCacheFlag(
    buildFlags(program.command('push').argument('[names...]', 'images or groups (default: all)').description('build what is missing, then push every tag and the content tag, only if all succeeded')),
  ).action((names: string[], _options: PushCommandOptions, command: Command) => run(push(io, command.optsWithGlobals(), names)));
}

