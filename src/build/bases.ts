import type { Engine } from '../engine/engine.js';
import { engineAuthFor } from '../lock/base-ref.js';
import type { CredentialStore } from '../registry/index.js';
import { familiarName, normalizeReference } from '../model/reference.js';
import type { BuildGraph } from '../plan/graph.js';
import { indexImages } from './image-index.js';

/**
 * Up to this many bases are looked up one inspect each (~1 ms on the engine, all at once); more
 * take one listing filtered by reference, which costs as much as listing every image (20.10 reads
 * every image's config before filtering: ~100-150 ms for ~1,000 images) but stays one request.
 */
export const MAX_BASE_INSPECTS = 16;

/** The external bases the graph needs that kiln.lock does not pin, each once. */
export function unpinnedBases(graph: BuildGraph, pinned?: ReadonlyMap<string, string>): string[] {
  const bases = new Set([...graph.nodes.values()].flatMap((n) => n.externalBases));
  return [...bases].filter((ref) => pinned?.get(ref) === undefined);
}

/**
 * The engine's `reference` filter pattern that matches exactly `ref`: the engine matches the
 * familiar form (`busybox:latest`, not `docker.io/library/busybox:latest`) with Go's path.Match,
 * and keeps digest references without their tag.
 */
export function referencePattern(ref: string): string {
  const n = normalizeReference(ref);
  const familiar = familiarName(n.repository) + (n.digest ? `@${n.digest}` : `:${n.tag ?? 'latest'}`);
  return familiar.replace(/[*?[\]\\]/g, (c) => `\\${c}`); // `[` of an IPv6 registry host is a glob class
}

/** The image ID of each of `refs` the engine has, by reference: nothing is pulled. */
export async function localBaseImages(options: {
  engine: Engine;
  refs: readonly string[];
  signal: AbortSignal;
  /** Most inspects before one reference listing is asked instead (default {@link MAX_BASE_INSPECTS}). */
  inspectLimit?: number;
}): Promise<Map<string, string>> {
  const { engine, refs, signal } = options;
  const result = new Map<string, string>();
  if (refs.length === 0) return result;
  let inspected = refs;
  if (refs.length > (options.inspectLimit ?? MAX_BASE_INSPECTS)) {
    // Digest references are inspected even here: the containerd image store (Docker 23+) lists a
    // tagged image's RepoDigests incompletely under a reference filter and matches `repo@digest`
    // only for an image pulled by that digest, so a listing would miss such a base.
    const tagged = refs.filter((ref) => normalizeReference(ref).digest === undefined);
    inspected = refs.filter((ref) => normalizeReference(ref).digest !== undefined);
    // Several `reference` values are ORed by the engine (verified on 20.10 and 28).
    const images = tagged.length === 0 ? undefined : indexImages(await engine.listImages({ filters: { reference: tagged.map(referencePattern) } }, signal));
    for (const ref of tagged) {
      const id = images?.idOf(ref);
      if (id !== undefined) result.set(ref, id);
    }
  }
  await Promise.all(
    inspected.map(async (ref) => {
      const id = (await engine.inspectImage(ref, signal))?.Id;
      if (id !== undefined) result.set(ref, id);
    }),
  );
  return result;
}

/**
 * The image ID of every external base the graph needs, pulling the ones the engine lacks (all of
 * them with `refresh`) first — as `docker build` would, but before the build, with docker's
 * credentials (BuildKit without a session cannot authenticate a pull), so keys are exact. A base
 * that cannot be pulled stays `missing`: the build then fails with the engine's own message.
 */
export async function resolveBaseImages(options: {
  graph: BuildGraph;
  engine: Engine;
  /** What {@link localBaseImages} found for the unpinned bases. */
  local: ReadonlyMap<string, string>;
  signal: AbortSignal;
  /** Digests pinned in kiln.lock, by reference: they stand for the image in keys. */
  pinned?: ReadonlyMap<string, string>;
  /** Pull bases the engine lacks (default true); `kiln plan` looks without pulling. */
  pull?: boolean;
  /**
   * Pull every unpinned base, also the ones the engine has (`--pull`), so the keys name the images
   * the engine's own pull then builds on. One that cannot be pulled keeps its local image (told to `onNote`).
   */
  refresh?: boolean;
  /** Docker's credentials, for bases a registry only serves to a login. */
  credentials?: CredentialStore;
  /** Told about a base `refresh` could not pull. */
  onNote?: (message: string) => void;
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
      let id = options.local.get(ref);
      if (options.pull !== false && (id === undefined || options.refresh === true)) {
        try {
          await options.engine.pull(ref, await engineAuthFor(ref, options.credentials), () => {}, options.signal);
          id = (await options.engine.inspectImage(ref, options.signal))?.Id;
        } catch (error) {
          if (options.signal.aborted) throw error;
          if (id !== undefined) options.onNote?.(`cannot pull ${ref} (${error instanceof Error ? error.message : String(error)}); its local image ${id.slice(7, 19)} is in the key`);
        }
      }
      if (id !== undefined) result.set(ref, id);
    }),
  );
  return result;
}
