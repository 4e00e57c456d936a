import { InvalidArgumentError, type Command } from 'commander';
import { buildImages } from '../../build/build.js';
import { listProjectImages } from '../../build/keys.js';
import { StatCache, statCachePath } from '../../context/index.js';
import type { ImageSummary } from '../../engine/engine.js';
import { buildAndPush } from '../../push/build-and-push.js';
import { toKilnError } from '../../push/diagnose.js';
import { createRegistryAccess } from '../../push/registry-access.js';
import { KilnError } from '../../diagnostics/diagnostic.js';
import { createEngine } from '../../engine/index.js';
import { createReporter, resolveProgress } from '../../ui/select.js';
import { watchImages } from '../../watch/watch.js';
import { ExitCode } from '../exit-codes.js';
import { withInterrupt } from '../interrupt.js';
import { withRunLock } from '../run-lock.js';
import type { CliIO } from '../io.js';
import { loadManifest } from '../load.js';
import { reportDiagnostics } from '../report-error.js';
import { buildFlags, flagBuildOptions, reportDockerfileErrors, type BuildCommandOptions } from './build.js';
import { registryCacheFlag } from './push.js';

/** Options of `kiln watch`. */
export interface WatchCommandOptions extends BuildCommandOptions {
  /** Quiet milliseconds after the last save before a round starts. */
  debounce?: number;
  /** `--push`: push after each round in which every selected image built. */
  push?: boolean;
  /** `--no-registry-cache` sets false. */
  registryCache?: boolean;
}

/** Default quiet time: a burst of editor saves lands well inside it. */
export const DEFAULT_DEBOUNCE_MS = 200;

/** A listing requested during the debounce is asked again when changes keep coming for longer than this. */
const PREFETCH_REFRESH_MS = 1_000;

/**
 * `kiln watch [names...]`: builds, then rebuilds the images each burst of changes affects, one
 * `done`-terminated round at a time, until Ctrl-C (exit 0).
 */
export async function watch(io: CliIO, options: WatchCommandOptions, names: string[]): Promise<ExitCode> {
  // The manifest is loaded once here so a broken one exits 2 before anything starts.
  const first = await loadManifest(io, options);
  let loaded = false;
  const engine = createEngine({ env: io.env });
  const needsRegistry = options.push === true || options.registryCache !== false;
  const access = needsRegistry ? createRegistryAccess({ env: io.env, insecureRegistries: first.insecureRegistries }) : undefined;
  const progress = resolveProgress({ progress: options.progress ?? 'auto', stdout: io.stdout, env: io.env });
  const reporter = createReporter({ progress: options.progress ?? 'auto', stdout: io.stdout, stderr: io.stderr, env: io.env });
  // Status lines go where they cannot break the output: beside plain lines, on stderr beside NDJSON, nowhere under the TUI.
  // Kept between rounds: the stat cache stays open, and each round's image listing is requested
  // during its debounce (kiln changes nothing in the engine between rounds).
  let statCache: StatCache | undefined;
  let prefetched: { listing: Promise<ImageSummary[]>; at: number; project: string } | undefined;
  let projectName = first.name; // the last round's: a reload may rename the project
  let lastSeq = Number.NaN; // the run lock's number in the last round (see ProjectLock.seq)
  const debounceMs = options.debounce ?? DEFAULT_DEBOUNCE_MS;
  const notify = progress === 'plain' ? (m: string) => io.stdout.write(`[watch] ${m}\n`) : progress === 'json' ? (m: string) => io.stderr.write(`[watch] ${m}\n`) : undefined;
  try {
    await withInterrupt(io, (signal) =>
      watchImages({
        load: async () => {
          if (!loaded) {
            loaded = true;
            return first;
          }
          return loadManifest(io, options);
        },
        selection: names,
        debounceMs,
        prefetch: () => {
          if (prefetched && performance.now() - prefetched.at < PREFETCH_REFRESH_MS) return;
          const listing = listProjectImages(engine, projectName);
          listing.catch(() => undefined); // a failure surfaces in the round that uses it
          prefetched = { listing, at: performance.now(), project: projectName };
        },
        signal,
        sink: reporter,
        ...(notify ? { notify } : {}),
        reportError: (error) => {
          if (error instanceof KilnError) reportDiagnostics(io, error.diagnostics);
          else io.stderr.write(`kiln watch: ${error instanceof Error ? error.message : String(error)}\n`);
        },
        build: async ({ resolved, round, signal: roundSignal, sink, contexts, imageSignal }) => {
          projectName = resolved.graph.project.name;
          const fresh = prefetched && prefetched.project === projectName && performance.now() - prefetched.at < debounceMs + PREFETCH_REFRESH_MS ? prefetched.listing : undefined;
          prefetched = undefined;
          statCache ??= await StatCache.open(statCachePath(resolved.graph.project.root));
          // Each round holds the project's run lock, not the whole watch: a kiln build can run between rounds.
          const result = await withRunLock(io, { root: resolved.graph.project.root, command: 'kiln watch', signal: roundSignal }, async (lock) => {
            const buildOptions = {
              resolved,
              engine,
              sink,
              signal: roundSignal,
              round,
              statCache: statCache!,
              contexts,
              imageSignal,
              // Another run that held the lock since the last round may have changed what the listing shows.
              ...(fresh && lock.seq === lastSeq + 1 ? { listing: fresh } : {}),
              ...flagBuildOptions(io, options),
              ...(access && options.registryCache !== false ? { registryCache: access } : {}),
            };
            lastSeq = lock.seq;
            return access && options.push
              ? await buildAndPush({ ...buildOptions, access }).catch((error: unknown) => {
                  throw roundSignal.aborted ? error : toKilnError(error);
                })
              : await buildImages(buildOptions);
          });
          reportDockerfileErrors(io, result);
          return result;
        },
      }),
    );
  } finally {
    await reporter.close();
    await access?.close();
    await engine.close();
  }
  return ExitCode.ok;
}

/** Parses `--debounce`: whole milliseconds, 0 allowed. */
function milliseconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected whole milliseconds, got "${value}"`);
  return n;
}

/** Registers the command. */
export function registerWatch(program: Command, io: CliIO, run: (p: Promise<ExitCode>) => void): void {
  registryCacheFlag(buildFlags(program.command('watch').argument('[names...]', 'images or groups (default: all)').description('build, then rebuild what each change affects, until Ctrl-C')))
    .option('--push', 'after each round in which every selected image built, push its tags and content tag')
    .option('--debounce <ms>', `quiet time after the last change before a round starts (default: ${DEFAULT_DEBOUNCE_MS})`, milliseconds)
    .action((names: string[], _options: WatchCommandOptions, command: Command) => run(watch(io, command.optsWithGlobals(), names)));
}
