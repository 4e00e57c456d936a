import type { Command } from 'commander';
import { createEngine } from '../../engine/index.js';
import { toKilnError } from '../../push/diagnose.js';
import { createRegistryAccess } from '../../push/registry-access.js';
import { createDockerCredentialStore } from '../../registry/index.js';
import { reconcile as reconcileRegistry, type ReconcileResult } from '../../reconcile/reconcile.js';
import { renderApplied, renderPlan } from '../../reconcile/render.js';
import { createReporter } from '../../ui/select.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIO } from '../io.js';
import { withInterrupt } from '../interrupt.js';
import { withRunLock } from '../run-lock.js';
import { loadGraph, type ManifestOptions } from '../load.js';
import { manifestOptions } from '../options.js';

/** Options of `kiln reconcile`. */
export interface ReconcileCommandOptions extends ManifestOptions {
  apply?: boolean;
  prune?: boolean;
  json?: boolean;
}

/**
 * `kiln reconcile [names...] [--apply] [--prune] [--json]`: prints what each tag of the registry
 * needs to match the manifest at the current keys; `--apply` makes it so, with the least work.
 */
export async function reconcile(io: CliIO, options: ReconcileCommandOptions, names: string[]): Promise<ExitCode> {
  const resolved = await loadGraph(io, options, names);
  const engine = createEngine({ env: io.env });
  const credentials = createDockerCredentialStore({ env: io.env });
  const access = createRegistryAccess({ env: io.env, credentials, insecureRegistries: resolved.graph.project.insecureRegistries });
  // Builds that --apply needs report on stderr, keeping stdout for the plan (or the JSON document).
  const buildReporter = createReporter({ progress: 'plain', stdout: io.stderr, stderr: io.stderr, env: io.env });
  let result: ReconcileResult;
  try {
    result = await withInterrupt(io, async (signal) => {
      const run = () =>
        reconcileRegistry({
          resolved,
          engine,
          access,
          credentials,
          apply: options.apply ?? false,
          prune: options.prune ?? false,
          signal,
          buildSink: buildReporter,
          onNote: (message) => io.stderr.write(`kiln: note: ${message}\n`),
        }).catch((error: unknown) => {
          throw toKilnError(error);
        });
      // Only --apply changes anything (it may build, tag and push); a look never waits for another run.
      return options.apply ? withRunLock(io, { root: resolved.graph.project.root, command: 'kiln reconcile --apply', signal }, run) : run();
    });
  } finally {
    await buildReporter.close();
    await access.close();
    await engine.close();
  }
  if (options.json) {
    io.stdout.write(`${JSON.stringify({ images: result.plans, ...(result.applied ? { applied: result.applied } : {}), stats: result.stats }, null, 2)}\n`);
  } else {
    io.stdout.write(renderPlan(result.plans));
    if (result.applied) io.stdout.write(renderApplied(result.applied));
  }
  return ExitCode.ok;
}

/** Registers the command. */
export function registerReconcile(program: Command, io: CliIO, run: (p: Promise<ExitCode>) => void): void {
  manifestOptions(program.command('reconcile').argument('[names...]', 'images or groups (default: all)').description("make the registry's tags match the manifest at the current keys"))
    .option('--apply', 'change the registry: retag, mount, push, or build only where needed')
    .option('--prune', 'with --apply, delete extra tags that match the image\'s tag patterns')
    .option('--json', 'print the plan (and what was applied) as one JSON document')
    .action((names: string[], _options: ReconcileCommandOptions, command: Command) => run(reconcile(io, command.optsWithGlobals(), names)));
}
