import type { Engine } from '../engine/engine.js';
import { KilnLabel } from '../model/labels.js';
import type { PreparedImage } from '../build/prepare.js';
import { contentTag } from './content-tag.js';
import { registryLocation, type RegistryAccess } from './registry-access.js';

/** What the registry cache lookup needs. */
export interface RegistryCacheOptions {
  prepared: ReadonlyMap<string, PreparedImage>;
  engine: Engine;
  access: RegistryAccess;
  signal: AbortSignal;
  /** Told once per registry that could not be asked (the build goes on without it). */
  onNote?: (message: string) => void;
}

/**
 * For every image not built locally whose repository names a registry, asks that registry for the
 * content tag of its key (one HEAD each, concurrently) and pulls the hits through the engine.
 * Resolves with the local image ID of each hit, by image name. Never fails the build: a registry
 * that cannot be reached, or a pull that fails, only means building instead.
 */
export async function pullFromRegistryCache(options: RegistryCacheOptions): Promise<Map<string, string>> {
  const { engine, access, signal } = options;
  const noted = new Set<string>();
  const note = (host: string, message: string) => {
    if (noted.has(host)) return;
    noted.add(host);
    options.onNote?.(message);
  };
  const hits = new Map<string, string>();
  const candidates = [...options.prepared.values()].filter((p) => p.cached === undefined);
  await Promise.all(
    candidates.map(async (image) => {
      const repository = image.node.spec.repository;
      const location = registryLocation(repository);
      // A repository without a registry host would mean Docker Hub: never asked implicitly.
      if (!location.explicit || noted.has(location.host)) return;
      const tag = contentTag(image.key);
      try {
        const head = await access.client(location.host).headManifest(location.path, tag);
        if (head === undefined) return;
        const ref = `${repository}:${tag}`;
        await engine.pull(ref, await access.engineAuth(location.host), () => {}, signal);
        const inspect = await engine.inspectImage(ref, signal);
        // The content tag is only a name: trust the label the build put inside the image.
        if (inspect?.Config?.Labels?.[KilnLabel.key] !== image.key) return;
        hits.set(image.node.spec.name, inspect.Id);
      } catch (error) {
        if (signal.aborted) throw error;
        note(location.host, `registry cache: ${error instanceof Error ? error.message : String(error)}; building instead`);
      }
    }),
  );
  return hits;
}
