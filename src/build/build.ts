import type { Engine } from '../engine/engine.js';
import type { CredentialStore } from '../registry/index.js';
import type { ResolvedGraph } from '../plan/resolve-graph.js';
import type { EventSink, PlannedImage } from '../run/events.js';
import { defaultConcurrency, runBuild, type ImageJob, type RunSummary } from '../run/run-build.js';
import { DependencyRefs } from './dependency-refs.js';
import { engineExecutor } from './executor.js';
import { computeKeys, type KeyOptions } from './keys.js';
import type { PreparedImage } from './prepare.js';
import { pullFromRegistryCache } from '../push/registry-cache.js';
import type { RegistryAccess } from '../push/registry-access.js';

/** What `kiln build` (and each watch round) needs: the keys' inputs (see computeKeys), and how to run. */
export interface BuildOptions extends Pick<KeyOptions, 'builder' | 'noCache' | 'onNote' | 'statCache' | 'listing' | 'contexts'> {
  resolved: ResolvedGraph;
  engine: Engine;
  sink: EventSink;
  signal: AbortSignal;
  /** Docker's credentials: missing bases are pulled with them before keys are computed (see computeKeys). */
  credentials: CredentialStore;
  concurrency?: number;
  keepGoing?: boolean;
  /** `--pull`: kiln pulls the unpinned bases before keying them; the build then uses exactly those. */
  pull?: boolean;
  /** Watch-mode round, stamped on events. */
  round?: number;
  /** Look keys not built locally up in their registry (content tag `kiln-<key>`) and pull instead of building. */
  registryCache?: RegistryAccess;
  /** One image's own abort signal: watch mode restarts an image whose inputs changed while the rest of the round goes on. */
  imageSignal?: (name: string) => AbortSignal | undefined;
}

/** How a build ended, with what was decided before it. */
export interface BuildResult extends RunSummary {
  prepared: Map<string, PreparedImage>;
}

/**
 * Builds the selected graph: the project's image listing, stat-cached hashing, keys, then only the images
 * whose key is not built yet go to the engine, in dependency order and in parallel.
 */
export async function buildImages(options: BuildOptions): Promise<BuildResult> {
  const { resolved, engine, signal } = options;
  const { graph } = resolved;
  const { builder, noCache, onNote, statCache, listing: prefetched, contexts } = options;
  const { info, listing, prepared } = await computeKeys({ graph, engine, signal, pullWith: options.credentials, refreshBases: options.pull, builder, noCache, onNote, statCache, listing: prefetched, contexts });
  // --no-cache means build, whatever any cache holds: the registry's content tags too.
  if (options.registryCache && !options.noCache) {
    const hits = await pullFromRegistryCache({ prepared, engine, access: options.registryCache, signal, ...(options.onNote ? { onNote: options.onNote } : {}) });
    for (const [name, id] of hits) prepared.set(name, { ...prepared.get(name)!, cached: { id, source: 'registry' }, reasons: [] });
  }

  const jobs: ImageJob[] = graph.order.map((name) => {
    const p = prepared.get(name)!;
    return {
      name,
      key: p.key,
      dependencies: p.node.dependencies,
      ...(p.cached ? { cachedId: p.cached.id, cachedSource: p.cached.source } : {}),
      tags: p.tags,
      reasons: p.reasons,
      ...(p.previousDurationMs !== undefined ? { previousDurationMs: p.previousDurationMs } : {}),
    };
  });
  const refsById = new Map(listing.map((i) => [i.Id, i.RepoTags ?? []]));
  const dependencyRefs = new DependencyRefs(engine);
  dependencyRefs.adopt(listing.flatMap((image) => image.RepoTags ?? []));
  try {
    const summary = await runBuild({
      jobs,
      order: graph.order,
      waves: graph.waves,
      plannedImages: plannedImages(prepared),
      executor: engineExecutor({
        engine,
        project: graph.project,
        prepared,
        refsOf: (id) => refsById.get(id) ?? [],
        dependencyRefs,
        ...(options.noCache ? { noCache: true } : {}),
        ...(info.bridgeNetwork === false ? { networkMode: 'host' } : {}),
      }),
      sink: options.sink,
      concurrency: options.concurrency ?? defaultConcurrency(),
      keepGoing: options.keepGoing ?? false,
      signal,
      ...(options.round !== undefined ? { round: options.round } : {}),
      ...(options.imageSignal ? { imageSignal: options.imageSignal } : {}),
    });
    return { ...summary, prepared };
  } finally {
    // Every way a run ends (success, failure, Ctrl-C, a watch round's abort) comes through here.
    const kept = await dependencyRefs.release();
    if (kept.length > 0) options.onNote?.(`kept ${kept.join(', ')}: the only tag left on its image, or the engine refused to remove it`);
  }
}

/** The `plan` event's view of the prepared images. */
export function plannedImages(prepared: ReadonlyMap<string, PreparedImage>): PlannedImage[] {
  return [...prepared.values()].map((p) => ({
    name: p.node.spec.name,
    repository: p.node.spec.repository,
    tags: p.node.spec.tags,
    dependsOn: p.node.dependencies,
    key: p.key,
    cached: p.cached !== undefined,
    reasons: p.reasons,
  }));
}
