import type { Engine } from '../engine/engine.js';
import type { CredentialStore } from '../registry/index.js';
import type { BuildGraph } from '../plan/graph.js';
import { prepareRun } from './prepare-run.js';
import type { ImageIndex } from './image-index.js';

/** Each image's current key and the local image built with it (if any), without building. */
export interface CurrentBuilds {
  /** Cache key of each graph image, by manifest name. */
  keys: Map<string, string>;
  /** The local image built with the current key, by manifest name. */
  ids: Map<string, string>;
  /** The listing of the project's images this was computed from. */
  images: ImageIndex;
}

/**
 * Computes what `kiln build` would compute before building: the project's image listing, base resolution,
 * stat-cached hashing and keys. `ls`, `tag` and `prune` need "the current build" of each image.
 */
export async function currentBuilds(options: {
  graph: BuildGraph;
  engine: Engine;
  signal?: AbortSignal;
  pinnedDockerfiles?: ReadonlyMap<string, string>;
  pinnedBases?: ReadonlyMap<string, string>;
  credentials?: CredentialStore;
}): Promise<CurrentBuilds> {
  const { images, prepared } = await prepareRun({ ...options, signal: options.signal ?? new AbortController().signal });
  const keys = new Map<string, string>();
  const ids = new Map<string, string>();
  for (const [name, p] of prepared) {
    keys.set(name, p.key);
    if (p.cached) ids.set(name, p.cached.id);
  }
  return { keys, ids, images };
}
