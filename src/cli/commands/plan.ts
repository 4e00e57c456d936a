import type { Command } from 'commander';
import { KilnError } from '../../diagnostics/diagnostic.js';
import { createEngine } from '../../engine/index.js';
import type { Engine } from '../../engine/engine.js';
import { planCacheState } from '../../plan/cache-state.js';
import { createRegistryAccess } from '../../push/registry-access.js';
import { planDocument, renderPlan, type ImageCacheState } from '../../plan/render-plan.js';
import type { ResolvedGraph } from '../../plan/resolve-graph.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIO } from '../io.js';
import { loadGraph, type ManifestOptions } from '../load.js';
import { manifestOptions } from '../options.js';

/** Options of `kiln plan`. */
export interface PlanOptions extends ManifestOptions {
  json?: boolean;
  /** Skip the engine: the graph only, no keys or cache state. */
  offline?: boolean;
  /** `--no-registry-cache`: do not ask the registry for keys it already holds. */
  registryCache?: boolean;
}

/** `kiln plan [names...]`: what would build, in what order, why each edge exists, and what is cached. */
export async function plan(io: CliIO, options: PlanOptions, names: string[]): Promise<ExitCode> {
  const resolved = await loadGraph(io, options, names);
  const cache = options.offline ? undefined : await cacheState(io, resolved, options.registryCache !== false);
  const { graph } = resolved;
  io.stdout.write(options.json ? JSON.stringify(planDocument(graph, cache), null, 2) + '\n' : renderPlan(graph, cache));
  return ExitCode.ok;
}

/** The engine's view of each image, or undefined (with one note on stderr) when it cannot be asked. */
async function cacheState(io: CliIO, resolved: ResolvedGraph, registryCache: boolean): Promise<Map<string, ImageCacheState> | undefined> {
  let engine: Engine | undefined;
  // As in `kiln build`: a key the registry holds is pulled there, not built.
  const access = registryCache ? createRegistryAccess({ env: io.env, insecureRegistries: resolved.graph.project.insecureRegistries }) : undefined;
  try {
    engine = createEngine({ env: io.env });
    // Planning is short and changes nothing: Ctrl-C may simply end the process.
    return await planCacheState({
      resolved,
      engine,
      signal: io.signal ?? new AbortController().signal,
      ...(access ? { registryCache: access, onNote: (message: string) => io.stderr.write(`note: ${message}\n`) } : {}),
    });
  } catch (error) {
    // The plan itself does not need the engine: say why the cache state is missing and go on.
    if (!(error instanceof KilnError) || io.signal?.aborted) throw error;
    const reason = error.diagnostics[0]?.message ?? error.message;
    io.stderr.write(`note: cache state unknown (${reason}); pass --offline to skip the engine\n`);
    return undefined;
  } finally {
    await engine?.close();
    await access?.close();
  }
}

/** Registers the command. */
export function registerPlan(program: Command, io: CliIO, run: (p: Promise<ExitCode>) => void): void {
  manifestOptions(program.command('plan').argument('[names...]', 'images or groups (default: all)').description('show what would build, in what order, why, and what is already cached'))
    .option('--json', 'print the plan as JSON (with key, cached and reasons per image when the engine answered)')
    .option('--offline', 'do not ask the engine: the graph only, without cache keys or cache state')
    .option('--no-registry-cache', 'do not ask the registry whether it already holds a key (content tag kiln-<key>)')
    .addHelpText(
      'after',
      `
Examples:
  kiln plan                     every image, in build order, with what is cached and why the rest rebuilds
  kiln plan api backend         the image api, the group backend, and everything they need
  kiln plan --json --offline    the graph as JSON, without asking the engine`,
    )
    .action((names: string[], _options: PlanOptions, command: Command) => run(plan(io, command.optsWithGlobals(), names)));
}
