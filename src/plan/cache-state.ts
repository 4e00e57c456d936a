import { computeKeys } from '../build/keys.js';
import type { Engine } from '../engine/engine.js';
import { findInRegistryCache } from '../push/registry-cache.js';
import type { RegistryAccess } from '../push/registry-access.js';
import type { ImageCacheState } from './render-plan.js';
import type { ResolvedGraph } from './resolve-graph.js';

/** What {@link planCacheState} needs. */
export interface CacheStateOptions {
  resolved: ResolvedGraph;
  engine: Engine;
  signal: AbortSignal;
  /** Also count keys the registry holds (content tag `kiln-<key>`), as `build` would pull them. */
  registryCache?: RegistryAccess;
  /** Told about a registry that could not be asked, and a base kiln.lock does not pin. */
  onNote?: (message: string) => void;
}

/**
 * Each selected image's key, whether the engine already holds a build of it, and why it would
 * rebuild — the same decisions `kiln build` makes (the registry's content tags included when given
 * a registry), without building or pulling anything.
 */
export async function planCacheState(options: CacheStateOptions): Promise<Map<string, ImageCacheState>> {
  const { engine, signal } = options;
  const { graph } = options.resolved;
  const { prepared } = await computeKeys({ graph, engine, signal, pullWith: false, ...(options.onNote ? { onNote: options.onNote } : {}) });
  // A key with a base the engine lacks is not the one build computes after pulling it: never looked up, never shown.
  const known = new Map([...prepared].filter(([, p]) => p.unresolvedBases === undefined));
  if (options.registryCache) {
    const hits = await findInRegistryCache({ prepared: known, access: options.registryCache, ...(options.onNote ? { onNote: options.onNote } : {}) });
    for (const hit of hits) known.set(hit.node.spec.name, { ...hit, cached: { id: '', source: 'registry' }, reasons: [] });
  }
  const states = new Map<string, ImageCacheState>();
  for (const [name, image] of prepared) {
    const looked = known.get(name);
    if (looked === undefined) {
      const reasons = (image.unresolvedBases ?? []).map((ref) => ({ kind: 'base' as const, detail: `base image ${ref} is not in the engine: the key is known once kiln build pulls it` }));
      states.set(name, { cached: false, reasons });
    } else {
      states.set(name, { key: looked.key, cached: looked.cached !== undefined, ...(looked.cached ? { source: looked.cached.source } : {}), reasons: looked.reasons });
    }
  }
  return states;
}
