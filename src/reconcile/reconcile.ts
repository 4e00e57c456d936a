import { buildImages, type BuildResult } from '../build/build.js';
import { computeKeys } from '../build/keys.js';
import { KilnError, diagnostic } from '../diagnostics/diagnostic.js';
import type { Engine } from '../engine/engine.js';
import { shortKey } from '../plan/cache-key.js';
import { resolveGraph, type ResolvedGraph } from '../plan/resolve-graph.js';
import { registryLocation, type RegistryAccess } from '../push/registry-access.js';
import type { CredentialStore, RegistryStats } from '../registry/index.js';
import type { EventSink } from '../run/events.js';
import { applyPlan, type AppliedAction } from './apply.js';
import { observeAndPlan, observeRepositories, type ReconcileImage } from './observe.js';
import type { ImagePlan } from './plan.js';

/** What `kiln reconcile` needs. */
export interface ReconcileOptions {
  resolved: ResolvedGraph;
  engine: Engine;
  access: RegistryAccess;
  /** Docker's credentials: bases the engine lacks are pulled with them, so the keys are the ones `kiln build` computes. */
  credentials: CredentialStore;
  /** Make the registry match the plan. */
  apply: boolean;
  /** With apply: delete `extra` tags that match the image's tag patterns. */
  prune: boolean;
  signal: AbortSignal;
  /** Receives the events of builds that apply needs (keys found nowhere). */
  buildSink: EventSink;
  onAction?: (action: AppliedAction) => void;
  /** Told about what did not stop reconciling (a base kiln.lock does not pin). */
  onNote?: (message: string) => void;
}

/** The plan, what applying it did, and what moved over the wire. */
export interface ReconcileResult {
  plans: ImagePlan[];
  /** Undefined without `apply`. */
  applied?: AppliedAction[];
  /** The builds apply ran, if any. */
  builds?: BuildResult;
  stats: RegistryStats;
}

/**
 * Desired: every selected image's manifest tags (and content tag) at the manifest of its current
 * key. Actual: the registry's tags and digests. Plans per tag (ok, create, move, extra) and, with
 * `apply`, does the least work to get there (see applyPlan).
 */
export async function reconcile(options: ReconcileOptions): Promise<ReconcileResult> {
  const { resolved, engine, access, signal } = options;
  const project = resolved.graph.project;
  const specs = resolved.graph.order.map((name) => resolved.graph.nodes.get(name)!.spec);
  const unnamed = specs.filter((s) => !registryLocation(s.repository).explicit);
  if (unnamed.length > 0) {
    throw new KilnError(
      unnamed.map((s) =>
        diagnostic('usage', `${s.name}: repository ${s.repository} names no registry, so there is nothing to reconcile`, {
          location: s.locations.repository ?? s.locations.image,
          hint: 'Set `registry:` in the manifest, or a `repository:` that starts with the registry host (127.0.0.1:5000/acme/api).',
        }),
      ),
    );
  }
  // The registry's tags need no keys: read them while the engine is asked and contexts are hashed.
  // Extra tags' digests are read only for --prune, where the plan shows what it deletes.
  const wanted = new Map<string, string[]>();
  for (const spec of specs) wanted.set(spec.repository, [...(wanted.get(spec.repository) ?? []), ...spec.tags]);
  const observation = observeRepositories(access, { wanted, allDigests: options.prune });
  const { prepared } = await computeKeys({ graph: resolved.graph, engine, signal, pullWith: options.credentials, onNote: options.onNote });
  const otherRepositories = [...new Set([...project.images.values()].map((s) => s.repository))];
  const images: ReconcileImage[] = specs.map((spec) => {
    const p = prepared.get(spec.name)!;
    return {
      image: spec.name,
      repository: spec.repository,
      key: p.key,
      tags: spec.tags,
      templates: spec.tagTemplates ?? spec.tags,
      ...(p.cached ? { localId: p.cached.id } : {}),
      otherRepositories,
    };
  });
  const keys = new Map(images.map((image) => [image.image, image.key]));
  const plans = await observeAndPlan(images, observation);
  if (!options.apply) return { plans, stats: access.stats() };

  let builds: BuildResult | undefined;
  const applied = await applyPlan({
    plans,
    engine,
    access,
    prune: options.prune,
    signal,
    ...(options.onAction ? { onAction: options.onAction } : {}),
    build: async (names) => {
      const selection = await resolveGraph(project, { selection: names });
      if (!selection.ok) throw new KilnError(selection.error);
      builds = await buildImages({ resolved: selection.value, engine, sink: options.buildSink, signal, credentials: options.credentials, registryCache: access });
      if (builds.interrupted) signal.throwIfAborted();
      if (builds.failures.length > 0) {
        throw new KilnError(builds.failures.map((f) => diagnostic('failed', `${f.image} failed to build: nothing was changed in the registry for it`)));
      }
      // The plan's content tags name the keys computed before: a build of other inputs (a file
      // edited meanwhile) must not be pushed under them.
      const moved = names.filter((name) => builds!.prepared.get(name)?.key !== keys.get(name));
      if (moved.length > 0) {
        throw new KilnError(
          moved.map((name) =>
            diagnostic('failed', `${name}: its inputs changed while reconciling (key ${shortKey(keys.get(name)!)} planned, ${shortKey(builds!.prepared.get(name)?.key ?? '')} built): nothing was changed in the registry`, {
              hint: 'Run kiln reconcile --apply again.',
            }),
          ),
        );
      }
      const ids = new Map<string, string>();
      for (const name of names) {
        const outcome = builds.outcomes.get(name);
        if (outcome?.status === 'ok') ids.set(name, outcome.value.id);
      }
      return ids;
    },
  });
  return { plans, applied, ...(builds ? { builds } : {}), stats: access.stats() };
}
