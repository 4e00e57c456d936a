import type { Readable } from 'node:stream';
import { Pool } from '../util/undici.js';
import type { Dispatcher } from 'undici';
import { KilnError, diagnostic } from '../diagnostics/diagnostic.js';
import type { DiagnosticKind } from '../diagnostics/diagnostic.js';
import type { EngineAddress } from './address.js';

/** Query values; arrays repeat the key (`t=a&t=b`), undefined and false-y optionals are left out. */
export type Query = Record<string, string | number | boolean | string[] | undefined>;

/** One HTTP call to the engine. */
export interface EngineCall {
  method: 'GET' | 'HEAD' | 'POST' | 'DELETE';
  /** Path without the version prefix (`/images/json`) or, with `unversioned`, as is (`/_ping`). */
  path: string;
  query?: Query;
  headers?: Record<string, string>;
  body?: string | Readable;
  signal?: AbortSignal | undefined;
}

/** An engine response the engine answered with an HTTP error (4xx/5xx) before any stream started. */
export class EngineRequestError extends KilnError {
  /** The HTTP status (404 no such image, 409 conflict, ...). */
  readonly status: number;
  constructor(options: { status: number; message: string; kind?: DiagnosticKind; hint?: string }) {
    super(diagnostic(options.kind ?? 'failed', options.message, options.hint ? { hint: options.hint } : {}));
    this.name = 'EngineRequestError';
    this.status = options.status;
  }
}

/** Connection errors that mean "the engine is not there", with their one-line explanation. */
const unreachableCodes: Record<string, string> = {
  ENOENT: 'no such socket',
  ECONNREFUSED: 'connection refused',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTFOUND: 'unknown host',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'timed out',
  UND_ERR_CONNECT_TIMEOUT: 'timed out',
  UND_ERR_SOCKET: 'connection closed',
  UND_ERR_CLOSED: 'connection closed',
  TimeoutError: 'timed out',
};

/** HTTP to one engine over a pool of connections (builds run in parallel, each holds one). */
export class EngineTransport {
  readonly address: EngineAddress;
  readonly #pool: Pool;

  constructor(address: EngineAddress) {
    this.address = address;
    this.#pool = new Pool(address.origin, {
      ...(address.socketPath ? { socketPath: address.socketPath } : {}),
      ...(address.tls ? { connect: address.tls } : {}),
      // Builds and pushes can be silent for minutes; cancellation is by AbortSignal instead.
      headersTimeout: 0,
      bodyTimeout: 0,
      connectTimeout: 10_000,
    });
  }

  /** Sends a call; `prefix` is the version prefix (`/v1.41`) or '' for unversioned paths. */
  async send(call: EngineCall, prefix: string): Promise<Dispatcher.ResponseData> {
    const qs = encodeQuery(call.query ?? {});
    try {
      return await this.#pool.request({
        method: call.method,
        path: `${prefix}${call.path}${qs ? `?${qs}` : ''}`,
        headers: call.headers ?? {},
        body: call.body ?? null,
        signal: call.signal ?? null,
      });
    } catch (error) {
      throw this.translate(error, call.signal);
    }
  }

  /** Maps a connection failure to an `unavailable` KilnError; an abort rethrows the signal's reason. */
  translate(error: unknown, signal?: AbortSignal): unknown {
    if (signal?.aborted) return signal.reason ?? error;
    const code = errorCode(error);
    const reason = code === undefined ? undefined : unreachableCodes[code];
    if (reason === undefined) return error;
    return unreachableError(this.address.display, reason, code === 'EACCES' || code === 'EPERM');
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    await this.#pool.close();
  }
}

/** The `unavailable` error for an engine that cannot be reached: one line, the address and the fix. */
export function unreachableError(address: string, reason: string, permission = false): KilnError {
  const fix = permission ? 'add your user to the docker group, or set DOCKER_HOST' : 'start dockerd, or set DOCKER_HOST';
  return new KilnError(diagnostic('unavailable', `cannot reach the Docker engine at ${address}: ${reason} (${fix})`));
}

function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 4; depth++) {
    const { code, name } = current as { code?: unknown; name?: unknown };
    if (typeof code === 'string' && code in unreachableCodes) return code;
    if (name === 'TimeoutError') return 'TimeoutError';
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** URL query string with repeated keys for arrays; booleans as `1`/`0`. */
export function encodeQuery(query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, item);
    else params.append(key, typeof value === 'boolean' ? (value ? '1' : '0') : String(value));
  }
  return params.toString();
}

/** Reads an engine error body (`{"message":...}`, or text on very old API versions). */
export async function readErrorMessage(response: Dispatcher.ResponseData): Promise<string> {
  const text = (await response.body.text()).trim();
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON: use the text
  }
  return text || `HTTP ${response.statusCode}`;
}

/** Throws an EngineRequestError for a non-2xx response, after reading its message. */
export async function ensureOk(response: Dispatcher.ResponseData, what: string): Promise<void> {
  if (response.statusCode < 300) return;
  const message = await readErrorMessage(response);
  throw new EngineRequestError({ status: response.statusCode, message: `${what}: ${message}` });
}
