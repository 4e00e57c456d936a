import type { Dispatcher } from 'undici';
import { Agent } from '../util/undici.js';
import { Authenticator } from './auth.js';
import type { CredentialStore } from './credentials.js';
import { RegistryError, type RegistryErrorDetail } from './errors.js';
import { registryBaseUrl } from './host.js';
import { declaredMediaType, isDigest, sha256Digest, type Digest } from './manifest.js';
import { header, sendHttp, type HttpMethod, type HttpResponse, type RegistryStats, type TransportOptions } from './transport.js';

/** Options of a client for one registry host. */
export interface RegistryClientOptions {
  /** `127.0.0.1:5000`, `ghcr.io`, `docker.io`. */
  host: string;
  credentials?: CredentialStore;
  /** Plain http for a non-loopback host (loopback hosts always use http). */
  insecure?: boolean;
  /** Connect, headers and body timeout of each request; default 30 s. */
  timeoutMs?: number;
  /** Retries of idempotent requests after 429, 5xx, resets and timeouts; default 3. */
  retries?: number;
  /** First retry delay, doubled each attempt with full jitter; default 200 ms. */
  retryDelayMs?: number;
  /** Connection pool to use instead of the client's own (then `close()` leaves it open). */
  dispatcher?: Dispatcher;
}

/** A manifest as stored: exact bytes, media type, digest. */
export interface StoredManifest {
  bytes: Buffer;
  mediaType: string;
  digest: Digest;
}

/** What HEAD says about a manifest. */
export interface ManifestHead {
  digest: Digest;
  mediaType: string;
  size: number;
}

/** One request through the client: auth for `scopes`, retried when idempotent. */
export interface RegistryCall {
  method: HttpMethod;
  /** A path under the registry (`/v2/...`) or an absolute URL the registry returned. */
  path: string;
  scopes: string[];
  headers?: Record<string, string>;
  body?: Buffer;
  idempotent: boolean;
}

/** The low-level half of the client: one authenticated request, and errors from responses. */
export class RegistryConnection {
  /** Counts of what moved, since the client was created. */
  readonly stats: RegistryStats = { blobUploads: 0, blobBytesUploaded: 0, blobMounts: 0, manifestPuts: 0, requests: 0 };
  readonly host: string;
  readonly #base: string;
  readonly #transport: TransportOptions;
  readonly #auth: Authenticator;
  readonly #ownDispatcher: Agent | undefined;

  constructor(options: RegistryClientOptions) {
    this.host = options.host;
    this.#base = registryBaseUrl(options.host, options.insecure);
    const timeoutMs = options.timeoutMs ?? 30_000;
    this.#ownDispatcher = options.dispatcher === undefined ? new Agent({ connect: { timeout: timeoutMs }, keepAliveTimeout: 30_000 }) : undefined;
    this.#transport = {
      host: options.host,
      dispatcher: options.dispatcher ?? (this.#ownDispatcher as Agent),
      timeoutMs,
      retries: options.retries ?? 3,
      retryDelayMs: options.retryDelayMs ?? 200,
      stats: this.stats,
    };
    this.#auth = new Authenticator({ transport: this.#transport, host: options.host, ...(options.credentials ? { credentials: options.credentials } : {}) });
  }

  /** Sends a request, answering one auth challenge. Returns any non-401 response; the caller checks it. */
  async call(call: RegistryCall): Promise<HttpResponse> {
    const url = new URL(call.path, this.#base);
    // Never hand the registry's credentials to another origin (an upload Location may point elsewhere).
    const sameOrigin = url.origin === new URL(this.#base).origin;
    const send = (authorization: string | undefined): Promise<HttpResponse> =>
      sendHttp(this.#transport, {
        method: call.method,
        url,
        headers: { ...call.headers, ...(authorization === undefined || !sameOrigin ? {} : { authorization }) },
        ...(call.body === undefined ? {} : { body: call.body }),
        idempotent: call.idempotent,
      });
    const preemptive = await this.#auth.current(call.scopes);
    const first = await send(preemptive);
    if (first.status !== 401) return first;
    const second = await send(await this.#auth.answer(first, call.scopes, preemptive));
    if (second.status !== 401) return second;
    throw await this.#auth.failure(second, call.scopes);
  }

  /** The RegistryError for an unexpected response, worded around `subject` (`manifest acme/api:1.0`). */
  error(response: HttpResponse, subject: string): RegistryError {
    const errors = parseErrors(response.body);
    const said = errors[0]?.message ?? errors[0]?.code;
    const detail = said === undefined ? `HTTP ${response.status}` : `${said} (HTTP ${response.status})`;
    const options = { host: this.host, status: response.status, errors };
    if (response.status === 404) return new RegistryError('not-found', `${subject} not found in ${this.host}: ${detail}`, options);
    if (response.status === 403) return new RegistryError('denied', `registry ${this.host} denied ${subject}: ${detail}`, options);
    if (response.status === 405) {
      return new RegistryError('denied', `registry ${this.host} does not allow this operation on ${subject}: ${detail}`, {
        ...options,
        hint: 'Deletion must be enabled in the registry (distribution: storage.delete.enabled: true).',
      });
    }
    if (response.status >= 500) return new RegistryError('unavailable', `registry ${this.host} failed on ${subject}: ${detail}`, options);
    return new RegistryError('invalid', `registry ${this.host} refused ${subject}: ${detail}`, options);
  }

  /** Reads a manifest's response into its stored form, checking the digest the registry claims. */
  storedManifest(response: HttpResponse, subject: string, ref: string): StoredManifest {
    const digest = sha256Digest(response.body);
    const claimed = header(response.headers, 'docker-content-digest');
    if ((claimed !== undefined && claimed !== digest) || (isDigest(ref) && ref !== digest)) {
      throw new RegistryError('invalid', `registry ${this.host} sent ${subject} whose bytes do not match digest ${claimed ?? ref}`, { host: this.host });
    }
    const mediaType = header(response.headers, 'content-type') ?? declaredMediaType(response.body) ?? '';
    return { bytes: response.body, mediaType, digest };
  }

  /** Closes the client's own connections. */
  async close(): Promise<void> {
    await this.#ownDispatcher?.close();
  }
}

function parseErrors(body: Buffer): RegistryErrorDetail[] {
  if (body.length === 0) return [];
  try {
    const json = JSON.parse(body.toString('utf8')) as { errors?: unknown };
    return Array.isArray(json.errors) ? (json.errors as RegistryErrorDetail[]) : [];
  } catch {
    return [];
  }
}

/** The URL of the `rel="next"` entry of a Link header, if any. */
export function nextLink(response: HttpResponse): string | undefined {
  const link = header(response.headers, 'link');
  return link === undefined ? undefined : /<([^>]*)>\s*;\s*rel="?next"?/.exec(link)?.[1];
}
