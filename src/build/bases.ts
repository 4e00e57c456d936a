import type { Engine } from '../engine/engine.js';
import type { BuildGraph } from '../plan/graph.js';
import type { ImageIndex } from './image-index.js';

/**
 * The image ID of every external base the graph needs, pulling the ones the engine lacks first —
 * as `docker build` would, but before the build so credentials apply and keys are exact. A base
 * that cannot be pulled stays `missing`: the build then fails with the engine's own message.
 */
export async function resolveBaseImages(options: {
  graph: BuildGraph;
  engine: Engine;
  images: ImageIndex;
  signal: AbortSignal;
  /** Digests pinned in kiln.lock, by reference: they stand for the image in keys. */
  pinned?: ReadonlyMap<string, string>;
  /** Pull bases the engine lacks (default true); `kiln plan` looks without pulling. */
  pull?: boolean;
}): Promise<Map<string, string>> {
  const bases = new Set([...options.graph.nodes.values()].flatMap((n) => n.externalBases));
  const result = new Map<string, string>();
  await Promise.all(
    [...bases].map(async (ref) => {
      const pinned = options.pinned?.get(ref);
      if (pinned !== undefined) {
        result.set(ref, pinned);
        return;
      }
      let id = options.images.idOf(ref);
      if (id === undefined && options.pull !== false) {
        try {
          await options.engine.pull(ref, undefined, () => {}, options.signal);
          id = (await options.engine.inspectImage(ref, options.signal))?.Id;
        } catch {
          id = undefined;
        }
      }
      if (id !== undefined) result.set(ref, id);
    }),
  );
  return result;
}
