import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { StatCache, statCachePath } from '../context/index.js';
import type { Engine, EngineInfo, ImageSummary } from '../engine/engine.js';
import type { BuilderKind } from '../model/project.js';
import type { CredentialStore } from '../registry/index.js';
import type { BuildGraph } from '../plan/graph.js';
import { localBaseImages, resolveBaseImages, unpinnedBases } from './bases.js';
import { indexImages, projectImagesFilter, type ImageIndex } from './image-index.js';
import { hashContexts, prepareImages, type ContextMemo, type PreparedImage } from './prepare.js';

/** What is known before anything is built: the engine, the project's images, every image's key. */
export interface PreparedRun {
  info: EngineInfo;
  /** The project's kiln images ({@link projectImagesFilter}), not every image of the engine. */
  listing: ImageSummary[];
  /** The listing, indexed. */
  images: ImageIndex;
  prepared: Map<string, PreparedImage>;
}

/** What {@link prepareRun} needs. */
export interface PrepareRunOptions {
  graph: BuildGraph;
  engine: Engine;
  signal: AbortSignal;
  builder?: BuilderKind;
  noCache?: boolean;
  /** Resolved pinned base digests from kiln.lock, by reference. */
  pinnedBases?: ReadonlyMap<string, string>;
  /** Pinned Dockerfile texts from kiln.lock, by image name. */
  pinnedDockerfiles?: ReadonlyMap<string, string>;
  /** Pull bases the engine lacks (default true); a base left missing stays out of the key, as in build before its pull. */
  pullBases?: boolean;
  /** Docker's credentials, for pulling bases a registry only serves to a login. */
  credentials?: CredentialStore;
  /** Only looking (`kiln plan`): a stat cache that cannot be written is no reason to fail. */
  readOnly?: boolean;
  /** An already-open stat cache (watch mode keeps one between rounds); saved here, not reopened. */
  statCache?: StatCache;
  /**
   * The listing of this project's images ({@link listProjectImages}), already requested with no
   * kiln change to the engine since (watch mode asks during the debounce).
   */
  listing?: Promise<ImageSummary[]>;
  /** Walked and hashed contexts to reuse and fill, by image name (see prepareImages). */
  contexts?: ContextMemo;
}

/** Requests the listing of the images kiln built for `project` (what {@link PrepareRunOptions.listing} takes). */
export function listProjectImages(engine: Engine, project: string, signal?: AbortSignal): Promise<ImageSummary[]> {
  return engine.listImages({ filters: projectImagesFilter(project) }, signal);
}

/**
 * The first half of a build, shared with reconcile, plan, ls, tag and prune: a constant number of
 * requests whatever the graph size (the project's images, the unpinned external bases), base
 * resolution, stat-cached hashing and keys.
 */
export async function prepareRun(options: PrepareRunOptions): Promise<PreparedRun> {
  const { graph, engine, signal } = options;
  const info = await engine.info(signal);
  // The engine assembles the listing (~100-150 ms with ~1,000 images, filtered or not: it reads
  // every image's config first) while kiln walks and hashes the contexts, which needs nothing from
  // it. Hashing is synchronous, so the requests get one turn of the event loop to leave before it starts.
  const listingRequest = options.listing ?? listProjectImages(engine, graph.project.name, signal);
  const basesRequest = localBaseImages({ engine, refs: unpinnedBases(graph, options.pinnedBases), signal });
  listingRequest.catch(() => undefined); // awaited below; hashing may fail first
  basesRequest.catch(() => undefined);
  await yieldToEventLoop();
  const statCache = options.statCache ?? (await StatCache.open(statCachePath(graph.project.root)));
  const contexts = options.contexts ?? new Map();
  await hashContexts({ graph, statCache, contexts });
  const listing = await listingRequest;
  const images = indexImages(listing);
  const baseImages = await resolveBaseImages({
    graph,
    engine,
    local: await basesRequest,
    signal,
    ...(options.pullBases === false ? { pull: false } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.pinnedBases ? { pinned: options.pinnedBases } : {}),
  });
  const prepared = await prepareImages({
    graph,
    images,
    statCache,
    baseImages,
    defaultBuilder: info.buildkit ? 'buildkit' : 'classic',
    ...(options.builder ? { builder: options.builder } : {}),
    ...(options.noCache ? { noCache: true } : {}),
    ...(options.pinnedDockerfiles ? { pinnedDockerfiles: options.pinnedDockerfiles } : {}),
    contexts,
  });
  // The stat cache only speeds up the next hash: a folder that cannot be written (a read-only checkout) fails a build, not a look.
  await (options.readOnly ? statCache.save().catch(() => undefined) : statCache.save());
  return { info, listing, images, prepared };
}
