import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { RegistryError } from './errors.js';

/** HTTP methods the registry API uses. */
export type HttpMethod = 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';

/** What moved over the wire; lets reconcile and benchmarks prove a retag uploads no blob bytes. */
export interface RegistryStats {
  blobUploads: number;
  blobBytesUploaded: number;
  blobMounts: number;
  manifestPuts: number;
  /** Every HTTP request sent, including retries, auth round trips and token fetches. */
  requests: number;
}

/** A response with its whole body read (registry API bodies are small: JSON, manifests). */
export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One HTTP exchange to send, retried only when `idempotent`. */
export interface HttpRequest {
  method: HttpMethod;
  url: URL;
  headers: Record<string, string>;
  body?: Buffer;
  idempotent: boolean;
  signal?: AbortSignal;
}

/** How requests are sent: the shared connection pool, timeouts and retry policy of one client. */
export interface TransportOptions {
  host: string;
  dispatcher: Dispatcher;
  timeoutMs: number;
  retries: number;
  /** First backoff delay; doubled each attempt, with full jitter. */
  retryDelayMs: number;
  stats: RegistryStats;
}

const maxRetryDelayMs = 30_000;

/**
 * Sends a request with per-request timeouts and retries (exponential backoff, full jitter,
 * Retry-After). Hand-written rather than undici's RetryAgent: kiln needs jitter, the retry
 * decision per call (PUT of a manifest yes, PUT finishing a blob upload no), a request count,
 * and a final error that names the host and what went wrong.
 */
export async function sendHttp(options: TransportOptions, request: HttpRequest): Promise<HttpResponse> {
  const attempts = request.idempotent ? options.retries + 1 : 1;
  let failure = '';
  for (let attempt = 1; ; attempt++) {
    let retryAfterMs: number | undefined;
    try {
      const response = await once(options, request);
      if (!isRetryableStatus(response.status)) return response;
      failure = `answered ${response.status} to ${request.method} ${request.url.pathname}`;
      retryAfterMs = parseRetryAfter(header(response.headers, 'retry-after'));
      if (attempt >= attempts) {
        throw new RegistryError('unavailable', `registry ${options.host} ${failure}${triesSuffix(attempts)}`, {
          host: options.host,
          status: response.status,
          hint: response.status === 429 ? 'The registry is rate limiting; wait and retry.' : 'Check the registry\'s health and logs.',
        });
      }
    } catch (error) {
      if (error instanceof RegistryError) throw error;
      if (request.signal?.aborted) throw error;
      const cause = describeNetworkError(error, options.timeoutMs);
      if (!cause.retryable || attempt >= attempts) {
        const message = cause.retryable
          ? `registry ${options.host} failed: ${cause.text} (${request.method} ${request.url.pathname})${triesSuffix(attempts)}`
          : `registry ${options.host} is not reachable: ${cause.text}`;
        throw new RegistryError('unavailable', message, {
          host: options.host,
          cause: error,
          hint: `Check that the registry at ${request.url.origin} is running and reachable.`,
        });
      }
      failure = cause.text;
    }
    const backoff = Math.random() * options.retryDelayMs * 2 ** (attempt - 1);
    await sleep(Math.min(retryAfterMs ?? backoff, maxRetryDelayMs), undefined, request.signal ? { signal: request.signal } : undefined);
  }
}

async function once(options: TransportOptions, request: HttpRequest): Promise<HttpResponse> {
  options.stats.requests++;
  const response = await options.dispatcher.request({
    origin: request.url.origin,
    path: request.url.pathname + request.url.search,
    method: request.method,
    headers: request.headers,
    body: request.body ?? null,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    signal: request.signal ?? null,
  });
  const body = Buffer.from(await response.body.arrayBuffer());
  return { status: response.statusCode, headers: response.headers, body };
}

function triesSuffix(attempts: number): string {
  return attempts > 1 ? ` after ${attempts} attempts` : '';
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504 || status === 500;
}

/** Reads a header that may arrive repeated. */
export function header(headers: HttpResponse['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseRetryAfter(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

const retryableCodes: Record<string, string> = {
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  UND_ERR_SOCKET: 'connection closed by the registry',
  UND_ERR_CLOSED: 'connection closed',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'timed out connecting',
};

const fatalCodes: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

function describeNetworkError(error: unknown, timeoutMs: number): { text: string; retryable: boolean } {
  const code = errorCode(error);
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return { text: `no response within ${timeoutMs} ms`, retryable: true };
  if (code === 'UND_ERR_BODY_TIMEOUT') return { text: `response body stalled for ${timeoutMs} ms`, retryable: true };
  if (code !== undefined && retryableCodes[code] !== undefined) return { text: retryableCodes[code], retryable: true };
  if (code !== undefined && fatalCodes[code] !== undefined) return { text: fatalCodes[code], retryable: false };
  return { text: error instanceof Error ? error.message : String(error), retryable: false };
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, errors } = error as { code?: unknown; errors?: unknown };
  if (typeof code === 'string') return code;
  // Happy-eyeballs connects fail with an AggregateError of the per-address errors.
  return Array.isArray(errors) ? errorCode(errors[0]) : undefined;
}
