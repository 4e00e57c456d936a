import { resolveBaseImages } from '../build/bases.js';
import { indexImages } from '../build/image-index.js';
import { prepareImages } from '../build/prepare.js';
import { StatCache, statCachePath } from '../context/index.js';
import type { Engine } from '../engine/engine.js';
import { readLock } from '../lock/lock-file.js';
import { lockedBuild, type LockedBuild } from '../lock/locked-build.js';
import type { BuildGraph } from './graph.js';
import type { ImageCacheState } from './render-plan.js';
import type { ResolvedGraph } from './resolve-graph.js';

/** What {@link planCacheState} needs. */
export interface CacheStateOptions {
  resolved: ResolvedGraph;
  engine: Engine;
  signal: AbortSignal;
}

/**
 * Each selected image's key, whether the engine already holds a build of it, and why it would
 * rebuild — the same decisions `kiln build` makes, without building or pulling anything.
 */
export async function planCacheState(options: CacheStateOptions): Promise<Map<string, ImageCacheState>> {
  const { engine, signal } = options;
  const { graph } = options.resolved;
  const info = await engine.info(signal);
  const images = indexImages(await engine.listImages({}, signal));
  const pins = await lockPins(graph, engine, signal);
  // A base the engine lacks stays out of the key ("missing"), as in build before its pull.
  const baseImages = await resolveBaseImages({ graph, engine, images, signal, pull: false, ...(pins ? { pinned: pins.pinnedBases } : {}) });
  const statCache = await StatCache.open(statCachePath(graph.project.root));
  const prepared = await prepareImages({ graph, images, statCache, baseImages, defaultBuilder: info.buildkit ? 'buildkit' : 'classic', ...(pins ? { pinnedDockerfiles: pins.pinnedDockerfiles } : {}) });
  // The stat cache only speeds up the next hash: plan only reads, so a folder it cannot write
  // (a read-only checkout) is no reason to fail.
  await statCache.save().catch(() => undefined);
  const states = new Map<string, ImageCacheState>();
  for (const [name, p] of prepared) {
    states.set(name, { key: p.key, cached: p.cached !== undefined, ...(p.cached ? { source: p.cached.source } : {}), reasons: p.reasons });
  }
  return states;
}

/** kiln.lock's pins, which `build` puts in the keys; only their digests matter here, so nothing is pulled. */
async function lockPins(graph: BuildGraph, engine: Engine, signal: AbortSignal): Promise<Pick<LockedBuild, 'pinnedBases' | 'pinnedDockerfiles'> | undefined> {
  const lock = await readLock(graph.project.root);
  if (lock === undefined) return undefined;
  return lockedBuild({ lock, graph, engine, signal, pull: false });
}
