import type { Readable } from 'node:stream';
import type { EngineSend } from './build.js';
import type { ImageFilters, ImageInspect, ImageSummary } from './engine.js';
import { ensureOk } from './transport.js';

/**
 * A reference in a URL path. The engine's router takes the name with its slashes as is
 * (`/images/127.0.0.1:5000/app:1/json`), so only characters that are not valid in a path are escaped.
 */
export function pathRef(ref: string): string {
  return encodeURI(ref).replace(/[?#]/g, encodeURIComponent);
}

const none = new Set(['<none>:<none>', '<none>@<none>']);

/** Drops the `<none>:<none>` placeholders that API < 1.43 puts in untagged images. */
function withoutPlaceholders(list: string[] | null): string[] | null {
  return list === null ? null : list.filter((ref) => !none.has(ref));
}

/** GET /images/{ref}/json; undefined when there is no such image. */
export async function inspectImage(send: EngineSend, ref: string, signal?: AbortSignal): Promise<ImageInspect | undefined> {
  const response = await send({ method: 'GET', path: `/images/${pathRef(ref)}/json`, signal });
  if (response.statusCode === 404) {
    await response.body.dump();
    return undefined;
  }
  await ensureOk(response, `inspect image ${ref}`);
  return (await response.body.json()) as ImageInspect;
}

/** GET /images/json with filters (`{"label":["a=b"]}`). */
export async function listImages(send: EngineSend, options: { all?: boolean; filters?: ImageFilters }, signal?: AbortSignal): Promise<ImageSummary[]> {
  const filters = options.filters && Object.keys(options.filters).length > 0 ? JSON.stringify(options.filters) : undefined;
  const response = await send({ method: 'GET', path: '/images/json', query: { all: options.all ? true : undefined, filters }, signal });
  await ensureOk(response, 'list images');
  const images = (await response.body.json()) as ImageSummary[];
  return images.map((image) => ({ ...image, RepoTags: withoutPlaceholders(image.RepoTags), RepoDigests: withoutPlaceholders(image.RepoDigests) }));
}

/** POST /images/{image}/tag. */
export async function tagImage(send: EngineSend, options: { image: string; repository: string; tag: string }, signal?: AbortSignal): Promise<void> {
  const response = await send({
    method: 'POST',
    path: `/images/${pathRef(options.image)}/tag`,
    query: { repo: options.repository, tag: options.tag },
    signal,
  });
  await ensureOk(response, `tag ${options.image} as ${options.repository}:${options.tag}`);
  await response.body.dump();
}

/** DELETE /images/{ref}; 404 and 409 reject with an EngineRequestError carrying the status. */
export async function removeImage(
  send: EngineSend,
  ref: string,
  options: { force?: boolean; noprune?: boolean },
  signal?: AbortSignal,
): Promise<{ Untagged?: string; Deleted?: string }[]> {
  const response = await send({
    method: 'DELETE',
    path: `/images/${pathRef(ref)}`,
    query: { force: options.force ? true : undefined, noprune: options.noprune ? true : undefined },
    signal,
  });
  await ensureOk(response, `remove image ${ref}`);
  return (await response.body.json()) as { Untagged?: string; Deleted?: string }[];
}

/** GET /containers/json?all=1: the image IDs containers use, running or stopped. */
export async function imagesInUse(send: EngineSend, signal?: AbortSignal): Promise<Set<string>> {
  const response = await send({ method: 'GET', path: '/containers/json', query: { all: true }, signal });
  await ensureOk(response, 'list containers');
  const containers = (await response.body.json()) as { ImageID?: string }[];
  return new Set(containers.flatMap((c) => (c.ImageID ? [c.ImageID] : [])));
}

/** One result of GET /images/search. */
export interface SearchResult {
  name: string;
  description: string;
  star_count: number;
  is_official: boolean;
  is_automated: boolean;
}

/** GET /images/search (the daemon proxies Docker Hub's v1 search). */
export async function searchImages(send: EngineSend, term: string, options: { limit?: number; filters?: ImageFilters }, signal?: AbortSignal): Promise<SearchResult[]> {
  const filters = options.filters && Object.keys(options.filters).length > 0 ? JSON.stringify(options.filters) : undefined;
  const response = await send({ method: 'GET', path: '/images/search', query: { term, limit: options.limit, filters }, signal });
  await ensureOk(response, `search ${term}`);
  return (await response.body.json()) as SearchResult[];
}

/** POST /commit: a container's filesystem as an image. */
export async function commitContainer(
  send: EngineSend,
  container: string,
  options: { repository: string; tag?: string; message?: string; changes?: string[]; author?: string; pause?: boolean },
  signal?: AbortSignal,
): Promise<{ id: string }> {
  const response = await send({
    method: 'POST',
    path: '/commit',
    query: {
      container,
      repo: options.repository,
      tag: options.tag,
      comment: options.message,
      author: options.author,
      changes: options.changes,
      pause: options.pause === undefined ? undefined : options.pause,
    },
    signal,
  });
  await ensureOk(response, `commit container ${container}`);
  const body = (await response.body.json()) as { Id?: string; ID?: string };
  return { id: body.Id ?? body.ID ?? '' };
}

/** GET /images/get?names=...: a docker-archive tar stream. */
export async function saveImages(send: EngineSend, refs: string[], signal?: AbortSignal): Promise<Readable> {
  const response = await send({ method: 'GET', path: '/images/get', query: { names: refs }, signal });
  await ensureOk(response, `save ${refs.join(', ')}`);
  return response.body;
}
