import { readFileSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import { createHash } from 'node:crypto';
import { contextChanged, generatedDockerfileName, hashContext, walkContext, type ContextDigest, type ContextEntry, type HashedContext, type StatCache, type TarDockerfile } from '../context/index.js';
import { pinBaseImages } from '../dockerfile/index.js';
import type { BuilderKind } from '../model/project.js';
import { computeKey, type CacheKey } from '../plan/cache-key.js';
import { explainRebuild } from '../plan/explain.js';
import type { BuildGraph, ImageNode } from '../plan/graph.js';
import { createKeyRecord, loadKeyRecord, type KeyRecord } from '../plan/key-record.js';
import type { RebuildReason } from '../run/events.js';
import type { ImageIndex } from './image-index.js';

/** Everything needed to build one image, decided before anything is sent to the engine. */
export interface PreparedImage {
  node: ImageNode;
  key: CacheKey;
  record: KeyRecord;
  builder: BuilderKind;
  /** The context files .dockerignore lets through, in tar order. */
  entries: ContextEntry[];
  /** What the key hashed of them, which the tar holds each entry to while sending. */
  hashed: HashedContext;
  /** The Dockerfile as the tar carries it: the text the key hashed (rewritten when bases are pinned). */
  dockerfile: TarDockerfile;
  /** The Dockerfile text the key was computed from (kiln.lock-pinned when locked); dependents are sent a rewrite of it. */
  dockerfileText: string;
  /** The local image already built with this key, when there is one. */
  cached?: { id: string; source: 'local' | 'registry' };
  reasons: RebuildReason[];
  /** Full references (`repo:tag`) of the manifest tags. */
  tags: string[];
  /** How long the build this key points at took, when known (for "the cache saved"). */
  previousDurationMs?: number;
  /**
   * External bases the engine lacks, this image's or a dependency's, when nothing pulled them
   * (`kiln plan`): the key holds `missing` for their IDs, so it is not the key a build computes.
   */
  unresolvedBases?: string[];
}

/** What preparing needs. */
export interface PrepareOptions {
  graph: BuildGraph;
  images: ImageIndex;
  statCache: StatCache;
  /** Image ID (or pinned digest) of each external base, by the reference Dockerfiles use. */
  baseImages: ReadonlyMap<string, string>;
  /** `--builder`, beating each image's `builder`. */
  builder?: BuilderKind;
  /** What the engine supports when nothing asks. */
  defaultBuilder: BuilderKind;
  noCache?: boolean;
  /** kiln.lock's pinned reference (`repository@digest`) of each pinned registry base, by the reference Dockerfiles use. */
  pins?: ReadonlyMap<string, string>;
  /** Walked and hashed contexts to reuse, by image name; missing ones are walked, hashed and added (watch mode keeps it between rounds). */
  contexts?: ContextMemo;
}

/** One image's context as walked and hashed. */
export interface WalkedContext {
  entries: ContextEntry[];
  digest: ContextDigest;
}

/** Walked contexts by image name; whoever holds one must drop an image's entry when its context's files change. */
export type ContextMemo = Map<string, WalkedContext>;

/**
 * Hashes every context (stat-cached), computes keys dependencies-first, and looks each key up in
 * the project's image listing: the plan of what to build, and why.
 */
export async function prepareImages(options: PrepareOptions): Promise<Map<string, PreparedImage>> {
  const { graph } = options;
  const root = graph.project.root;
  // Contexts are independent: walk and hash them concurrently; keys then need dependency order.
  const hashed = new Map(
    await Promise.all(
      graph.order.map(async (name) => {
        const spec = graph.nodes.get(name)!.spec;
        const { entries, digest } = options.contexts?.get(name) ?? (await walkAndHash(spec, options.statCache));
        options.contexts?.set(name, { entries, digest });
        const written = readFileSync(spec.dockerfile, 'utf8'); // small; sync is ~5× faster than fs.promises here
        return [name, { entries, digest, written }] as const;
      }),
    ),
  );
  const prepared = new Map<string, PreparedImage>();
  for (const name of graph.order) {
    const node = graph.nodes.get(name)!;
    const spec = node.spec;
    const { entries, digest, written } = hashed.get(name)!;
    const sent: HashedContext = { files: digest.files, hashedAt: digest.hashedAt, root };
    assertHashedDockerfile(dockerfileInTar(spec.context, spec.dockerfile, written), entries, sent);
    // The lock's pins rewrite the very text just checked: one read of the Dockerfile decides the key and what is sent.
    const pins = options.pins;
    const text = pins && node.externalBases.some((b) => pins.has(b)) ? pinBaseImages(written, pins, { buildArgs: spec.args, ...(spec.platform ? { platform: spec.platform } : {}) }) : written;
    const dockerfile = dockerfileInTar(spec.context, spec.dockerfile, text);
    const builder = options.builder ?? spec.builder ?? options.defaultBuilder;
    const dependencies = Object.fromEntries(node.dependencies.map((d) => [d, prepared.get(d)!.key]));
    const baseImages = Object.fromEntries(node.externalBases.map((b) => [b, options.baseImages.get(b) ?? 'missing']));
    const unresolved = new Set([...node.externalBases.filter((b) => !options.baseImages.has(b)), ...node.dependencies.flatMap((d) => prepared.get(d)!.unresolvedBases ?? [])]);
    const inputs = { dockerfile: text, contextDigest: digest.digest, args: spec.args, target: spec.target, platform: spec.platform, builder, dependencies, baseImages };
    const key = computeKey(inputs);
    const record = createKeyRecord({ key, inputs, files: digest.entries });
    const tags = spec.tags.map((t) => `${spec.repository}:${t}`);
    const local = options.noCache ? undefined : options.images.byKey(graph.project.name, name, key);
    const previous = await previousRecord(root, options.images, tags, key);
    prepared.set(name, {
      node,
      key,
      record,
      builder,
      entries,
      hashed: sent,
      dockerfile,
      dockerfileText: text,
      ...(local ? { cached: { id: local.Id, source: 'local' as const } } : {}),
      reasons: local ? [] : options.noCache ? [{ kind: 'forced', detail: '--no-cache' }] : explainRebuild(previous?.record, record),
      tags,
      ...(previous?.durationMs !== undefined ? { previousDurationMs: previous.durationMs } : {}),
      ...(unresolved.size > 0 ? { unresolvedBases: [...unresolved].sort() } : {}),
    });
  }
  return prepared;
}

/** Walks and hashes the contexts of the graph's images that the memo lacks, into the memo. */
export async function hashContexts(options: { graph: BuildGraph; statCache: StatCache; contexts: ContextMemo }): Promise<void> {
  const { graph, statCache, contexts } = options;
  for (const name of graph.order) {
    if (!contexts.has(name)) contexts.set(name, await walkAndHash(graph.nodes.get(name)!.spec, statCache));
  }
}

async function walkAndHash(spec: ImageNode['spec'], statCache: StatCache): Promise<WalkedContext> {
  const entries = await walkContext({ context: spec.context, dockerfile: spec.dockerfile });
  return { entries, digest: await hashContext(entries, statCache) };
}

/** The record of the build the image's first tag points at now, to explain what changed since. */
async function previousRecord(root: string, images: ImageIndex, tags: string[], key: string): Promise<{ record?: KeyRecord; durationMs?: number } | undefined> {
  for (const tag of tags) {
    const id = images.idOf(tag);
    const previousKey = id ? images.byId(id)?.Labels?.['dev.kiln.key'] : undefined;
    if (previousKey === undefined) continue;
    const record = await loadKeyRecord(root, previousKey);
    const own = previousKey === key ? record : await loadKeyRecord(root, key);
    return { ...(record ? { record } : {}), ...(own?.durationMs !== undefined ? { durationMs: own.durationMs } : {}) };
  }
  return undefined;
}

/** Where the Dockerfile goes in the tar: its own path inside the context, or a generated name outside it. */
function dockerfileInTar(context: string, dockerfile: string, text: string): TarDockerfile {
  const inside = relative(context, dockerfile);
  const outside = inside.startsWith('..') || isAbsolute(inside) || inside === '';
  // A rewritten Dockerfile inside the context replaces itself in the tar: a generated extra name
  // would be visible to BuildKit's `COPY .`, which reads no .dockerignore from a tar body.
  const nameInTar = outside ? generatedDockerfileName(text) : inside.split(sep).join('/');
  return { path: dockerfile, nameInTar, content: text };
}

/**
 * The key takes the Dockerfile's text from one read and the context's hash of the same file from
 * another: an edit between the two would send a Dockerfile the context digest never saw.
 */
function assertHashedDockerfile(dockerfile: TarDockerfile, entries: readonly ContextEntry[], hashed: HashedContext): void {
  const entry = entries.find((e) => e.path === dockerfile.nameInTar && e.absolutePath === dockerfile.path && e.type === 'file');
  if (entry === undefined) return;
  if (createHash('sha256').update(dockerfile.content).digest('hex') === hashed.files.get(entry.path)) return;
  throw contextChanged(entry, hashed, 'it was read again and differs');
}

