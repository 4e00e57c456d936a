import { scopes } from './auth.js';
import { RegistryConnection, nextLink, type ManifestHead, type RegistryClientOptions, type StoredManifest } from './connection.js';
import { manifestAccept, sha256Digest, type Digest } from './manifest.js';
import { copyManifest, deleteTag } from './tag-operations.js';
import { header, type RegistryStats } from './transport.js';

export type { ManifestHead, RegistryClientOptions, StoredManifest } from './connection.js';

/** kiln's client of one OCI / distribution registry. Failures are RegistryErrors. */
export interface RegistryClient {
  readonly host: string;
  /** Counts of what moved over the wire since creation. */
  readonly stats: RegistryStats;
  /** Checks that the registry answers and accepts the credentials. */
  ping(): Promise<void>;
  /** All tags of a repository, sorted; [] when the repository does not exist. */
  listTags(repo: string): Promise<string[]>;
  /** Digest, media type and size of a manifest, or undefined when it does not exist. */
  headManifest(repo: string, ref: string): Promise<ManifestHead | undefined>;
  /** A manifest's exact bytes. Throws 'not-found' when absent. */
  getManifest(repo: string, ref: string): Promise<StoredManifest>;
  /** Stores manifest bytes as given under a tag or digest; resolves with the digest. */
  putManifest(repo: string, ref: string, bytes: Buffer, mediaType: string): Promise<Digest>;
  /** Points `toTag` at the manifest of `fromRef` without moving a blob. */
  retag(repo: string, fromRef: string, toTag: string): Promise<Digest>;
  /** Copies a manifest (and an index's children) to another repository by mounting its blobs. */
  copyManifest(fromRepo: string, ref: string, toRepo: string, tag: string): Promise<Digest>;
  /** Mounts a blob from another repository; false when the registry could not (session cancelled). */
  mountBlob(toRepo: string, digest: string, fromRepo: string): Promise<boolean>;
  blobExists(repo: string, digest: string): Promise<boolean>;
  /** Uploads a blob in one PUT unless the repository already has it; resolves with its digest. */
  uploadBlob(repo: string, bytes: Buffer): Promise<Digest>;
  /** Deletes a manifest by digest; on distribution this also drops every tag pointing at it. */
  deleteManifest(repo: string, digest: string): Promise<void>;
  /** Removes one tag, leaving other tags of the same manifest in place. */
  deleteTag(repo: string, tag: string): Promise<void>;
  /** Repository names, page by page. */
  catalog(options?: { pageSize?: number }): AsyncIterable<string>;
  /** Releases the client's connections. */
  close(): Promise<void>;
}

/** Creates a client for one registry host, with its own connection pool. */
export function createRegistryClient(options: RegistryClientOptions): RegistryClient {
  return new Client(new RegistryConnection(options));
}

class Client implements RegistryClient {
  readonly #c: RegistryConnection;

  constructor(connection: RegistryConnection) {
    this.#c = connection;
  }

  get host(): string {
    return this.#c.host;
  }

  get stats(): RegistryStats {
    return this.#c.stats;
  }

  async ping(): Promise<void> {
    const response = await this.#c.call({ method: 'GET', path: '/v2/', scopes: [], idempotent: true });
    if (response.status !== 200) throw this.#c.error(response, 'the API endpoint /v2/');
  }

  async listTags(repo: string): Promise<string[]> {
    const tags = new Set<string>();
    const visited = new Set<string>();
    // distribution 2.8.2 neither pages nor sorts; OCI registries may page with Link.
    for (let path: string | undefined = `/v2/${repo}/tags/list`; path !== undefined && !visited.has(path); ) {
      visited.add(path);
      const response = await this.#c.call({ method: 'GET', path, scopes: scopes.pull(repo), idempotent: true });
      if (response.status === 404 && this.#c.error(response, '').code === 'NAME_UNKNOWN') return [];
      if (response.status !== 200) throw this.#c.error(response, `tags of ${repo}`);
      const page = JSON.parse(response.body.toString('utf8')) as { tags?: string[] | null };
      for (const tag of page.tags ?? []) tags.add(tag);
      path = nextLink(response);
    }
    return [...tags].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  async headManifest(repo: string, ref: string): Promise<ManifestHead | undefined> {
    const response = await this.#c.call({
      method: 'HEAD',
      path: `/v2/${repo}/manifests/${ref}`,
      scopes: scopes.pull(repo),
      headers: { accept: manifestAccept },
      idempotent: true,
    });
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw this.#c.error(response, `manifest ${repo}:${ref}`);
    const digest = header(response.headers, 'docker-content-digest');
    if (digest === undefined || !digest.startsWith('sha256:')) {
      // Not every registry sends the digest on HEAD; the bytes are the truth.
      const { digest: computed, mediaType, bytes } = await this.getManifest(repo, ref);
      return { digest: computed, mediaType, size: bytes.length };
    }
    return {
      digest: digest as Digest,
      mediaType: header(response.headers, 'content-type') ?? '',
      size: Number(header(response.headers, 'content-length') ?? 0),
    };
  }

  async getManifest(repo: string, ref: string): Promise<StoredManifest> {
    const subject = `manifest ${repo}${ref.includes(':') ? '@' : ':'}${ref}`;
    const response = await this.#c.call({
      method: 'GET',
      path: `/v2/${repo}/manifests/${ref}`,
      scopes: scopes.pull(repo),
      headers: { accept: manifestAccept },
      idempotent: true,
    });
    if (response.status !== 200) throw this.#c.error(response, subject);
    return this.#c.storedManifest(response, subject, ref);
  }

  async putManifest(repo: string, ref: string, bytes: Buffer, mediaType: string): Promise<Digest> {
    const response = await this.#c.call({
      method: 'PUT',
      path: `/v2/${repo}/manifests/${ref}`,
      scopes: scopes.push(repo),
      headers: { 'content-type': mediaType },
      body: bytes,
      idempotent: true,
    });
    if (response.status < 200 || response.status > 299) throw this.#c.error(response, `manifest ${repo}:${ref}`);
    this.#c.stats.manifestPuts++;
    return sha256Digest(bytes);
  }

  async retag(repo: string, fromRef: string, toTag: string): Promise<Digest> {
    const manifest = await this.getManifest(repo, fromRef);
    return this.putManifest(repo, toTag, manifest.bytes, manifest.mediaType);
  }

  copyManifest(fromRepo: string, ref: string, toRepo: string, tag: string): Promise<Digest> {
    return copyManifest(this, { fromRepo, ref, toRepo, tag });
  }

  async mountBlob(toRepo: string, digest: string, fromRepo: string): Promise<boolean> {
    const query = new URLSearchParams({ mount: digest, from: fromRepo });
    const response = await this.#c.call({
      method: 'POST',
      path: `/v2/${toRepo}/blobs/uploads/?${query.toString()}`,
      scopes: scopes.mount(toRepo, fromRepo),
      idempotent: false,
    });
    if (response.status === 201) {
      this.#c.stats.blobMounts++;
      return true;
    }
    if (response.status !== 202) throw this.#c.error(response, `blob ${digest} (mount from ${fromRepo} into ${toRepo})`);
    // 202 opened an upload session instead: cancel it so it does not linger.
    const location = header(response.headers, 'location');
    if (location !== undefined) {
      await this.#c.call({ method: 'DELETE', path: location, scopes: scopes.push(toRepo), idempotent: true });
    }
    return false;
  }

  async blobExists(repo: string, digest: string): Promise<boolean> {
    const response = await this.#c.call({ method: 'HEAD', path: `/v2/${repo}/blobs/${digest}`, scopes: scopes.pull(repo), idempotent: true });
    if (response.status === 404) return false;
    // A 307 points at the blob's storage: it exists.
    if ((response.status >= 200 && response.status < 300) || response.status === 307) return true;
    throw this.#c.error(response, `blob ${repo}@${digest}`);
  }

  async uploadBlob(repo: string, bytes: Buffer): Promise<Digest> {
    const digest = sha256Digest(bytes);
    if (await this.blobExists(repo, digest)) return digest;
    const start = await this.#c.call({ method: 'POST', path: `/v2/${repo}/blobs/uploads/`, scopes: scopes.push(repo), idempotent: false });
    const location = header(start.headers, 'location');
    if (start.status !== 202 || location === undefined) throw this.#c.error(start, `blob upload to ${repo}`);
    // Location is absolute on distribution and may be relative elsewhere; it may already have a query.
    const url = new URL(location, 'http://placeholder.invalid');
    url.searchParams.set('digest', digest);
    const path = location.startsWith('/') ? url.pathname + url.search : url.toString();
    const finish = await this.#c.call({
      method: 'PUT',
      path,
      scopes: scopes.push(repo),
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
      idempotent: false,
    });
    if (finish.status !== 201) throw this.#c.error(finish, `blob ${digest} upload to ${repo}`);
    this.#c.stats.blobUploads++;
    this.#c.stats.blobBytesUploaded += bytes.length;
    return digest;
  }

  async deleteManifest(repo: string, digest: string): Promise<void> {
    const response = await this.#c.call({ method: 'DELETE', path: `/v2/${repo}/manifests/${digest}`, scopes: scopes.delete(repo), idempotent: true });
    if (response.status !== 202 && response.status !== 200) throw this.#c.error(response, `manifest ${repo}@${digest}`);
  }

  deleteTag(repo: string, tag: string): Promise<void> {
    return deleteTag(this, this.#c, { repo, tag });
  }

  async *catalog(options: { pageSize?: number } = {}): AsyncIterable<string> {
    const visited = new Set<string>();
    let path: string | undefined = `/v2/_catalog?n=${options.pageSize ?? 100}`;
    while (path !== undefined && !visited.has(path)) {
      visited.add(path);
      const response = await this.#c.call({ method: 'GET', path, scopes: scopes.catalog(), idempotent: true });
      if (response.status !== 200) throw this.#c.error(response, 'the repository catalog');
      const page = JSON.parse(response.body.toString('utf8')) as { repositories?: string[] | null };
      yield* page.repositories ?? [];
      path = nextLink(response);
    }
  }

  close(): Promise<void> {
    return this.#c.close();
  }
}
