import { KilnError } from '../diagnostics/diagnostic.js';
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
 * content tag of its key (one HEAD each, concurrently). Resolves with the images whose key it holds.
 * A registry that cannot be reached is noted once and counts as holding nothing.
 */
export async function findInRegistryCache(options: Pick<RegistryCacheOptions, 'prepared' | 'access' | 'onNote'>): Promise<PreparedImage[]> {
  const noted = new Set<string>();
  const hits: PreparedImage[] = [];
  const candidates = [...options.prepared.values()].filter((p) => p.cached === undefined);
  await Promise.all(
    candidates.map(async (image) => {
      const location = registryLocation(image.node.spec.repository);
      // A repository without a registry host would mean Docker Hub: never asked implicitly.
      if (!location.explicit || noted.has(location.host)) return;
      try {
        if ((await options.access.client(location.host).headManifest(location.path, contentTag(image.key))) !== undefined) hits.push(image);
      } catch (error) {
        // A broken docker config is the user's to fix (exit 2), not a registry holding nothing.
        if (error instanceof KilnError && error.diagnostics.some((d) => d.kind === 'usage')) throw error;
        if (noted.has(location.host)) return;
        noted.add(location.host);
        options.onNote?.(`registry cache: ${error instanceof Error ? error.message : String(error)}; its keys count as not built`);
      }
    }),
  );
  return hits;
}

/**
 * Pulls, through the engine, every image whose key the registry holds (see findInRegistryCache).
 * Resolves with the local image ID of each hit, by image name. Never fails the build: a registry
 * that cannot be reached, or a pull that fails, only means building instead.
 */
export async function pullFromRegistryCache(options: RegistryCacheOptions): Promise<Map<string, string>> {
  const { engine, access, signal } = options;
  const pulled = new Map<string, string>();
  await Promise.all(
    (await findInRegistryCache(options)).map(async (image) => {
      const repository = image.node.spec.repository;
      const ref = `${repository}:${contentTag(image.key)}`;
      try {
        await engine.pull(ref, await access.engineAuth(registryLocation(repository).host), () => {}, signal);
        const inspect = await engine.inspectImage(ref, signal);
        // The content tag is only a name: trust the label the build put inside the image.
        if (inspect?.Config?.Labels?.[KilnLabel.key] === image.key) pulled.set(image.node.spec.name, inspect.Id);
      } catch (error) {
        if (signal.aborted) throw error;
        options.onNote?.(`registry cache: ${error instanceof Error ? error.message : String(error)}; building instead`);
      }
    }),
  );
  return pulled;
}
