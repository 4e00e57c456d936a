import { createHash } from 'node:crypto';

/** An image's cache key: sha256 hex of everything that decides its build result. */
export type CacheKey = string & { readonly __brand: 'CacheKey' };

/**
 * Bumped whenever what goes into a key, or how, changes, so keys made by an older kiln
 * never match (and never wrongly skip a build).
 */
export const CACHE_KEY_SCHEMA = 1;

/** Everything that decides an image's build result. */
export interface KeyInputs {
  /** The Dockerfile text actually sent (after base-image pinning). */
  dockerfile: string;
  /** hashContext's digest of the files .dockerignore lets through. */
  contextDigest: string;
  args: Record<string, string>;
  target?: string;
  platform?: string;
  /** Builder that runs it (`buildkit`, `classic`): the two can produce different images. */
  builder: string;
  /** Manifest image name → that dependency's cache key. */
  dependencies: Record<string, string>;
  /** External base image reference → its image id or digest. */
  baseImages: Record<string, string>;
}

/** sha256 hex of text. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Computes the key: deterministic (maps sorted), versioned, one sha256 over a canonical JSON. */
export function computeKey(inputs: KeyInputs): CacheKey {
  const canonical = JSON.stringify([
    'kiln-cache-key',
    CACHE_KEY_SCHEMA,
    sha256Hex(inputs.dockerfile),
    inputs.contextDigest,
    sortedPairs(inputs.args),
    inputs.target ?? null,
    inputs.platform ?? null,
    inputs.builder,
    sortedPairs(inputs.dependencies),
    sortedPairs(inputs.baseImages),
  ]);
  return sha256Hex(canonical) as CacheKey;
}

/** The first 12 hex characters, for tags, labels and humans (like docker's short ids). */
export function shortKey(key: CacheKey | string): string {
  return key.slice(0, 12);
}

/** Whether a string has the shape of a cache key. */
export function isCacheKey(value: string): value is CacheKey {
  return /^[0-9a-f]{64}$/.test(value);
}

/** Entries sorted by key in code-point order, so insertion order never changes a key. */
function sortedPairs(record: Record<string, string>): [string, string][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
