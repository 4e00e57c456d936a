import { diagnostic, KilnError } from '../diagnostics/diagnostic.js';
import type { Engine } from '../engine/engine.js';
import type { BuildGraph } from '../plan/graph.js';
import type { CredentialStore } from '../registry/index.js';
import { baseRef, pullWithAuth } from './base-ref.js';
import { lockableBases } from './create-lock.js';
import type { LockFile } from './lock-file.js';

/** kiln.lock applied to a graph: what computeKeys puts into the keys and the Dockerfiles it sends. */
export interface LockedBuild {
  /** Digest (or local image ID) standing for each pinned base in the cache keys. */
  pinnedBases: Map<string, string>;
  /** The `repository@digest` reference each pinned registry base is built from, by the reference Dockerfiles use. */
  pins: Map<string, string>;
  /** Bases the graph needs that the lock does not pin (the manifest changed since `kiln lock`). */
  unpinned: string[];
}

/** The reference a registry pin is built from: the repository as written, at the digest. */
export function pinnedReference(ref: string, digest: string): string {
  return `${baseRef(ref).name}@${digest}`;
}

/**
 * Applies the lock to a graph before building: pulls each pinned registry base the engine lacks
 * (with credentials — BuildKit cannot authenticate base pulls itself), checks that local-only
 * bases are still the recorded image, and names the pinned reference of each registry base (prepareImages
 * rewrites the Dockerfile text it hashed to it, so the text sent is the text checked against the context).
 */
export async function lockedBuild(options: {
  lock: LockFile;
  graph: BuildGraph;
  engine: Engine;
  credentials?: CredentialStore;
  signal?: AbortSignal;
  onLine?: (line: string) => void;
  /** Pull pinned bases the engine lacks (default true); `kiln plan` only needs the digests for its keys. */
  pull?: boolean;
}): Promise<LockedBuild> {
  const { lock, graph, engine } = options;
  const pinnedBases = new Map<string, string>();
  const pins = new Map<string, string>();
  const unpinned: string[] = [];
  // One inspect per pin, all at once (a pull only for a missing digest): a no-op build waits for the slowest, not the sum.
  await Promise.all(
    lockableBases(graph).map(async (ref) => {
      const entry = lock.bases.get(ref);
      if (entry === undefined) {
        unpinned.push(ref);
        return;
      }
      if (entry.kind === 'local') {
        const id = (await engine.inspectImage(ref, options.signal))?.Id;
        if (id !== entry.id) {
          throw new KilnError(
            diagnostic('usage', `${ref} is ${id === undefined ? 'not in the engine' : `now image ${id}`}, but kiln.lock pins the local image ${entry.id}`, {
              hint: 'Restore that image, or record the current one with kiln lock --update.',
            }),
          );
        }
        pinnedBases.set(ref, entry.id);
        return;
      }
      const pinned = pinnedReference(ref, entry.digest);
      if (options.pull !== false && (await engine.inspectImage(pinned, options.signal)) === undefined) {
        options.onLine?.(`pulling ${pinned}`);
        await pullWithAuth({ engine, ref: pinned, ...(options.credentials ? { credentials: options.credentials } : {}), ...(options.signal ? { signal: options.signal } : {}) });
      }
      pinnedBases.set(ref, entry.digest);
      pins.set(ref, pinned);
    }),
  );
  unpinned.sort();
  return { pinnedBases, pins, unpinned };
}
