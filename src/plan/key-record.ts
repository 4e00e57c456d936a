import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isCacheKey, sha256Hex, type CacheKey, type KeyInputs } from './cache-key.js';

/**
 * What went into one cache key, kept so a later run can say why its key differs: the key's inputs,
 * with the Dockerfile and the context kept as hashes per file instead of text and one digest.
 */
export interface KeyRecord extends Omit<KeyInputs, 'dockerfile' | 'contextDigest'> {
  key: CacheKey;
  /** sha256 hex of the Dockerfile text sent. */
  dockerfileHash: string;
  /** Context path → entry fingerprint (type, mode, content); see hashContext `entries`. */
  files: Record<string, string>;
  /** ISO 8601. */
  createdAt: string;
  /** How long the build of this key took, once built; a cache hit saves about this much. */
  durationMs?: number;
}

/** Options of {@link createKeyRecord}. */
export interface CreateKeyRecordOptions {
  key: CacheKey;
  inputs: KeyInputs;
  /** hashContext's per-entry fingerprints. */
  files: ReadonlyMap<string, string>;
  /** Injected clock. */
  now?: () => Date;
}

/** Builds the record of a key from the inputs that made it. */
export function createKeyRecord(options: CreateKeyRecordOptions): KeyRecord {
  const { inputs } = options;
  return {
    key: options.key,
    dockerfileHash: sha256Hex(inputs.dockerfile),
    files: Object.fromEntries(options.files),
    args: { ...inputs.args },
    ...(inputs.target !== undefined ? { target: inputs.target } : {}),
    ...(inputs.platform !== undefined ? { platform: inputs.platform } : {}),
    builder: inputs.builder,
    dependencies: { ...inputs.dependencies },
    baseImages: { ...inputs.baseImages },
    createdAt: (options.now?.() ?? new Date()).toISOString(),
  };
}

/** Where the record of a key lives. */
export function keyRecordPath(projectRoot: string, key: CacheKey | string): string {
  return path.join(projectRoot, '.kiln', 'keys', `${key}.json`);
}

/** Writes a key record (temp file + rename: a reader never sees half of one). */
export async function saveKeyRecord(projectRoot: string, record: KeyRecord): Promise<void> {
  const file = keyRecordPath(projectRoot, record.key);
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(temp, `${JSON.stringify(record)}\n`);
  await rename(temp, file);
}

/** Reads a key record; undefined when absent or unreadable (records only explain, never decide). */
export async function loadKeyRecord(projectRoot: string, key: CacheKey | string): Promise<KeyRecord | undefined> {
  if (!isCacheKey(key)) return undefined;
  try {
    // Sync: one small file per image on every run; fs.promises.readFile costs ~5× as much per file.
    const record = JSON.parse(readFileSync(keyRecordPath(projectRoot, key), 'utf8')) as KeyRecord;
    return record.key === key && typeof record.files === 'object' ? record : undefined;
  } catch {
    return undefined;
  }
}

/** Where the key of an image's most recent build is remembered. */
function latestPath(projectRoot: string, image: string): string {
  return path.join(projectRoot, '.kiln', 'keys', 'latest', `${encodeURIComponent(image)}.json`);
}

/** Remembers which key an image was last built with, so the next run can explain a new key. */
export async function saveLatestKey(projectRoot: string, image: string, key: CacheKey): Promise<void> {
  const file = latestPath(projectRoot, image);
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(temp, `${JSON.stringify({ image, key })}\n`);
  await rename(temp, file);
}

/** The record of the image's most recent build, if kiln remembers one. */
export async function loadLatestKeyRecord(projectRoot: string, image: string): Promise<KeyRecord | undefined> {
  try {
    const { key } = JSON.parse(await readFile(latestPath(projectRoot, image), 'utf8')) as { key: string };
    return await loadKeyRecord(projectRoot, key);
  } catch {
    return undefined;
  }
}
