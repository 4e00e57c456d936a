import type { Engine } from '../engine/engine.js';
import type { BuildEvent, EventSink } from '../run/events.js';
import { contentTag } from './content-tag.js';
import { registryLocation, type RegistryAccess } from './registry-access.js';

/** One image to push: the tags of its repository, and its key (for the content tag). */
export interface PushTarget {
  image: string;
  repository: string;
  tags: string[];
  key: string;
  /** The local image ID, which also gets the content tag before it is pushed. */
  id: string;
}

/** Options of pushImages. */
export interface PushOptions {
  targets: PushTarget[];
  engine: Engine;
  access: RegistryAccess;
  sink: EventSink;
  signal: AbortSignal;
  clock?: () => number;
  round?: number;
}

/** One tag that could not be pushed. */
export interface PushFailure {
  image: string;
  tag: string;
  error: unknown;
}

/** How the pushes went. */
export interface PushSummary {
  /** Tags pushed (content tags included). */
  pushed: number;
  failures: PushFailure[];
}

/**
 * Checks every registry the targets name before anything is pushed, so an unreachable registry or
 * refused credentials stop the push before a single tag moves. Throws the RegistryError.
 */
export async function checkRegistries(targets: PushTarget[], access: RegistryAccess): Promise<void> {
  const hosts = new Set(targets.map((t) => registryLocation(t.repository)).filter((l) => l.explicit).map((l) => l.host));
  await Promise.all([...hosts].map((host) => access.client(host).ping()));
}

/**
 * Pushes each image's manifest tags, then its content tag (last: it vouches that the key is in the
 * registry), through the engine with the registry's credentials. Emits `pushed` per tag. Images go
 * in parallel, an image's tags one after another (after the first, the layers already exist).
 * An image stops at its first failed tag; the others go on.
 */
export async function pushImages(options: PushOptions): Promise<PushSummary> {
  const { engine, access, signal } = options;
  const clock = options.clock ?? Date.now;
  const emit = (event: Omit<BuildEvent & { type: 'pushed' }, 'time'>) =>
    options.sink.emit({ ...event, time: clock(), ...(options.round !== undefined ? { round: options.round } : {}) });
  const summary: PushSummary = { pushed: 0, failures: [] };
  await Promise.all(
    options.targets.map(async (target) => {
      const { host } = registryLocation(target.repository);
      const auth = await access.engineAuth(host);
      await engine.tag(target.id, target.repository, contentTag(target.key), signal);
      for (const tag of [...new Set([...target.tags, contentTag(target.key)])]) {
        if (signal.aborted) return;
        try {
          const { digest } = await engine.push(target.repository, tag, auth, () => {}, signal);
          summary.pushed++;
          emit({ type: 'pushed', image: target.image, tag, digest });
        } catch (error) {
          summary.failures.push({ image: target.image, tag, error });
          return;
        }
      }
    }),
  );
  return summary;
}
