import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { StatCache, statCachePath } from '../context/index.js';
import type { Engine, EngineInfo, ImageSummary } from '../engine/engine.js';
import { lockedBuild, type LockedBuild } from '../lock/locked-build.js';
import { readLock, type LockFile } from '../lock/lock-file.js';
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
  /** Each graph image's key, its inputs and its cached build, by manifest name. */
  prepared: Map<string, PreparedImage>;
}

/** What {@link computeKeys} needs: the graph and the engine; kiln.lock is read from the project's root. */
export interface KeyOptions {
  graph: BuildGraph;
  engine: Engine;
  signal: AbortSignal;
  /**
   * Docker's credentials, with which the bases the engine lacks are pulled (pinned ones by digest),
   * as a build must, so a key names the image it builds on. `false` pulls nothing and writes
   * nothing (`kiln plan` only looks): an unpinned base the engine lacks then keys as `missing`,
   * and the images on it say so (PreparedImage.unresolvedBases).
   */
  pullWith: CredentialStore | false;
  /** `--pull`: pull every unpinned base the engine has too, so the keys name the newer images the build uses. */
  refreshBases?: boolean;
  /** `--builder`, beating each image's `builder`. */
  builder?: BuilderKind;
  /** `--no-cache`: no image counts as built (the keys stay the same). */
  noCache?: boolean;
  /** Told what did not stop the keys but the user should know: a base kiln.lock does not pin, a base `--pull` could not pull. */
  onNote?: (message: string) => void;
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

/** Requests the listing of the images kiln built for `project` (what {@link KeyOptions.listing} takes). */
export function listProjectImages(engine: Engine, project: string, signal?: AbortSignal): Promise<ImageSummary[]> {
  return engine.listImages({ filters: projectImagesFilter(project) }, signal);
}

/**
 * Every image's key, the one way every command computes it (build, push, watch, plan, reconcile,
 * and the current builds of ls, tag and prune): kiln.lock's pins (the `repo@digest` Dockerfile
 * text and the digest in the key), the other bases' image IDs (pulled with credentials when
 * missing), stat-cached context hashes, dependencies' keys. A constant number of requests whatever
 * the graph size: the project's image listing, and a lookup of the bases.
 */
export async function computeKeys(options: KeyOptions): Promise<PreparedRun> {
  const { graph, engine, signal } = options;
  const info = await engine.info(signal);
  // The engine assembles the listing (~100-150 ms with ~1,000 images, filtered or not: it reads
  // every image's config first) while kiln reads the lock and walks and hashes the contexts, which
  // need nothing from it. Hashing is synchronous, so the requests get one turn of the event loop to
  // leave before it starts.
  const listingRequest = options.listing ?? listProjectImages(engine, graph.project.name, signal);
  listingRequest.catch(() => undefined); // awaited below; the lock or hashing may fail first
  const lock = await readLock(graph.project.root);
  const locked = lock === undefined ? undefined : await applyLock(lock, options);
  // Exactly the bases the lock left unpinned are looked up by reference, so no base is keyed two ways.
  const basesRequest = localBaseImages({ engine, refs: unpinnedBases(graph, locked?.pinnedBases), signal });
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
    ...(options.pullWith === false ? { pull: false } : { credentials: options.pullWith, refresh: options.refreshBases === true }),
    ...(locked ? { pinned: locked.pinnedBases } : {}),
    ...(options.onNote ? { onNote: options.onNote } : {}),
  });
  const prepared = await prepareImages({
    graph,
    images,
    statCache,
    baseImages,
    defaultBuilder: info.buildkit ? 'buildkit' : 'classic',
    ...(options.builder ? { builder: options.builder } : {}),
    ...(options.noCache ? { noCache: true } : {}),
    ...(locked ? { pins: locked.pins } : {}),
    contexts,
  });
  // The stat cache only speeds up the next hash: a folder that cannot be written (a read-only checkout) fails a build, not a look.
  await (options.pullWith === false ? statCache.save().catch(() => undefined) : statCache.save());
  return { info, listing, images, prepared };
}

/** kiln.lock applied to the graph: pinned bases checked, and pulled when missing unless only looking. */
async function applyLock(lock: LockFile, options: KeyOptions): Promise<LockedBuild> {
  const { graph, engine, signal } = options;
  const locked = await lockedBuild({ lock, graph, engine, signal, ...(options.pullWith === false ? { pull: false } : { credentials: options.pullWith }) });
  for (const ref of locked.unpinned) options.onNote?.(`kiln.lock does not pin ${ref}; run kiln lock to pin it`);
  return locked;
}
