import type { BuildProgress } from '../engine/engine.js';
import type { EventSink, PlannedImage, RebuildReason, RunCounts } from './events.js';
import { describeFailure, type ProgressMemory } from './build-failure.js';
import { ProgressRelay, type Emit } from './progress-relay.js';
import { runGraph, type NodeOutcome } from './scheduler.js';

export { defaultConcurrency } from './concurrency.js';

/** One image to produce in a run, as the planner resolved it. */
export interface ImageJob {
  name: string;
  key: string;
  dependencies: string[];
  /** An image with this key already exists locally: its id; else undefined. */
  cachedId?: string;
  /** Where the cached image came from (the `cached` event's `source`); `local` when absent. */
  cachedSource?: 'local' | 'registry';
  /** Full references (`repo:tag`) to point at the image. */
  tags: string[];
  reasons: RebuildReason[];
  /** How long the last build with this key took, if known; a cache hit saves it. */
  previousDurationMs?: number;
}

/** The side effects of a run, injected so the orchestration tests with fakes. */
export interface JobExecutor {
  /**
   * Builds one image (context tar + engine.build, with labels), returns the image id. `dependencies`
   * holds the image ID each of the job's dependencies ended with in this run: the build must use exactly those.
   */
  build(job: ImageJob, onProgress: (p: BuildProgress) => void, signal: AbortSignal, dependencies: ReadonlyMap<string, string>): Promise<{ id: string }>;
  /** Points every ref at the image id (engine.tag). */
  tag(id: string, refs: string[], signal: AbortSignal): Promise<void>;
  /** Refs currently missing for a cached image, to re-apply; all refs are re-applied without it. */
  missingRefs?(id: string, refs: string[]): Promise<string[]>;
}

/** What one image of a run produced. */
export interface JobResult {
  id: string;
  /** True when the key was already built and nothing was sent to the engine. */
  cached: boolean;
  /** Build time, for built images. */
  durationMs?: number;
}

/** How a run ended. */
export interface RunSummary {
  counts: RunCounts;
  /** Every image of the order, in order. */
  outcomes: Map<string, NodeOutcome<JobResult>>;
  interrupted: boolean;
  failures: { image: string; error: unknown }[];
  durationMs: number;
  savedMs: number;
}

/** Everything a build run needs. */
export interface RunBuildOptions {
  jobs: ImageJob[];
  /** Job names, dependencies before dependents. */
  order: string[];
  /** The plan's waves, reported in the `plan` event. */
  waves: string[][];
  executor: JobExecutor;
  sink: EventSink;
  concurrency: number;
  keepGoing: boolean;
  signal: AbortSignal;
  /** Milliseconds since the epoch; injectable for tests. */
  clock?: () => number;
  /** Watch-mode round, stamped on every event. */
  round?: number;
  plannedImages: PlannedImage[];
  /** One image's own abort signal (watch mode restarts it): it ends `skipped` (`restarted: its inputs changed`), untagged, and the run goes on. */
  imageSignal?: (name: string) => AbortSignal | undefined;
}

/**
 * Builds the jobs in dependency order and reports it as events: `plan`, then per image `queued`,
 * `cached` or `start`/`step`/`log`/`built` (tags applied only after a successful build) or
 * `failed`/`skipped`, and finally `done`. Resolves once running builds settle, also when
 * interrupted; failures are in the summary, not thrown.
 */
export async function runBuild(options: RunBuildOptions): Promise<RunSummary> {
  const clock = options.clock ?? Date.now;
  const { executor, signal } = options;
  const emit: Emit = (event) => {
    options.sink.emit({ ...event, time: clock(), ...(options.round !== undefined ? { round: options.round } : {}) });
  };
  const startedAt = clock();
  const jobs = new Map(options.jobs.map((job) => [job.name, job]));
  /** The image ID each finished job ended with: what its dependents build on. */
  const ids = new Map<string, string>();
  emit({ type: 'plan', images: options.plannedImages, order: options.waves });

  const reuse = async (job: ImageJob, id: string, jobSignal: AbortSignal): Promise<JobResult> => {
    const refs = job.tags;
    const missing = executor.missingRefs ? await executor.missingRefs(id, refs) : refs;
    if (missing.length > 0) await executor.tag(id, missing, jobSignal);
    emit({ type: 'cached', image: job.name, id, key: job.key, source: job.cachedSource ?? 'local' });
    return { id, cached: true };
  };

  const build = async (job: ImageJob, relay: ProgressRelay, jobSignal: AbortSignal): Promise<JobResult> => {
    emit({ type: 'start', image: job.name, key: job.key, reasons: job.reasons });
    const buildStartedAt = clock();
    const dependencies = new Map(job.dependencies.map((d) => [d, ids.get(d) ?? unreachableDependency(job.name, d)]));
    const { id } = await executor.build(job, relay.onProgress, jobSignal, dependencies);
    const durationMs = clock() - buildStartedAt;
    // An engine may finish a build it was asked to cancel; its result must not move the tags.
    jobSignal.throwIfAborted();
    await executor.tag(id, job.tags, jobSignal);
    emit({ type: 'built', image: job.name, id, key: job.key, durationMs });
    return { id, cached: false, durationMs };
  };

  const outcomes = await runGraph<JobResult>({
    nodes: new Map(options.jobs.map((job) => [job.name, { dependencies: job.dependencies }])),
    order: options.order,
    concurrency: options.concurrency,
    keepGoing: options.keepGoing,
    signal,
    ...(options.imageSignal ? { nodeSignal: options.imageSignal } : {}),
    onQueued: (image) => emit({ type: 'queued', image }),
    onSkipped: (image, reason) => emit({ type: 'skipped', image, reason }),
    run: async (name, jobSignal) => {
      const job = jobs.get(name);
      if (job === undefined) throw new Error(`runBuild: no job for ${name}`);
      const relay = new ProgressRelay({ image: name, emit });
      const memory: ProgressMemory = job.cachedId === undefined ? relay : { failingStep: undefined, recentLogs: [] };
      try {
        const result = job.cachedId === undefined ? await build(job, relay, jobSignal) : await reuse(job, job.cachedId, jobSignal);
        ids.set(name, result.id);
        return result;
      } catch (error: unknown) {
        // An interrupted job is reported as skipped by the scheduler, not as a failure.
        if (!jobSignal.aborted) emit({ type: 'failed', image: name, ...describeFailure(error, memory) });
        throw error;
      }
    },
  });

  const summary = summarize({ outcomes, jobs, interrupted: signal.aborted, durationMs: clock() - startedAt });
  emit({
    type: 'done',
    counts: summary.counts,
    durationMs: summary.durationMs,
    savedMs: summary.savedMs,
    ...(summary.interrupted ? { interrupted: true } : {}),
  });
  return summary;
}

/** The scheduler starts a job only after its dependencies succeeded, so each has an ID. */
function unreachableDependency(name: string, dependency: string): never {
  throw new Error(`runBuild: ${name} started before its dependency ${dependency} ended`);
}

function summarize(input: {
  outcomes: Map<string, NodeOutcome<JobResult>>;
  jobs: Map<string, ImageJob>;
  interrupted: boolean;
  durationMs: number;
}): RunSummary {
  const counts: RunCounts = { built: 0, cached: 0, failed: 0, skipped: 0, pushed: 0 };
  const failures: RunSummary['failures'] = [];
  let savedMs = 0;
  for (const [image, outcome] of input.outcomes) {
    if (outcome.status === 'ok' && outcome.value.cached) {
      counts.cached++;
      savedMs += input.jobs.get(image)?.previousDurationMs ?? 0;
    } else if (outcome.status === 'ok') counts.built++;
    else if (outcome.status === 'failed') {
      counts.failed++;
      failures.push({ image, error: outcome.error });
    } else counts.skipped++;
  }
  return { counts, outcomes: input.outcomes, interrupted: input.interrupted, failures, durationMs: input.durationMs, savedMs };
}
