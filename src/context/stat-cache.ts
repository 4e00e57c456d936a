import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The stat fields that, unchanged, let kiln reuse a file's hash without reading it. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  ino: number;
  mode: number;
}

/** Options of {@link StatCache.open}. */
export interface StatCacheOptions {
  /** The clock, for the racy-mtime rule; tests step it. */
  now?: () => number;
}

/**
 * Files modified this recently are hashed but not remembered. Like git's "racily clean"
 * entries: a file written twice within the file system's mtime granularity (1 s on HFS+,
 * 2 s on FAT, coarse on some network mounts) keeps its size and mtime, so a hash taken
 * between the writes would look valid forever.
 */
export const RACY_WINDOW_MS = 2_000;

const FORMAT_VERSION = 1;

/** [size, mtimeMs, ino, mode, sha256 hex]: a tuple keeps 10,000 entries at ~1.2 MB of JSON. */
type Row = [number, number, number, number, string];

interface Stored {
  version: number;
  files: Record<string, Row>;
}

/** Where kiln keeps its file-hash cache for a project. */
export function statCachePath(projectRoot: string): string {
  return path.join(projectRoot, '.kiln', 'cache', 'hashes.json');
}

/**
 * File content hashes keyed by absolute path and validated by (size, mtimeMs, ino, mode),
 * persisted as one JSON document. Measured at 10,000 entries (Node 20): ~10 ms to stringify and
 * ~10 ms to parse, 1.35 MB; JSON-lines was no faster (12-25 ms / 13-30 ms), so the simple form won.
 */
export class StatCache {
  readonly #file: string | undefined;
  readonly #now: () => number;
  #rows: Map<string, Row>;
  #dirty = false;
  /** Lookups answered from the cache and lookups that needed a read. */
  readonly stats = { hits: 0, misses: 0 };

  private constructor(file: string | undefined, rows: Map<string, Row>, options: StatCacheOptions) {
    this.#file = file;
    this.#rows = rows;
    this.#now = options.now ?? Date.now;
  }

  /** Loads the cache file; a missing, unreadable or foreign-version file starts empty. */
  static async open(file: string, options: StatCacheOptions = {}): Promise<StatCache> {
    let rows = new Map<string, Row>();
    try {
      const stored = JSON.parse(await readFile(file, 'utf8')) as Stored;
      if (stored.version === FORMAT_VERSION && stored.files && typeof stored.files === 'object') {
        rows = new Map(Object.entries(stored.files));
      }
    } catch {
      // A cache is only an accelerator: any damage means "hash again".
    }
    return new StatCache(file, rows, options);
  }

  /** A cache that lives only in memory (tests, one-off runs). */
  static memory(options: StatCacheOptions = {}): StatCache {
    return new StatCache(undefined, new Map(), options);
  }

  /** The remembered hash of the file, if its stamp is unchanged. */
  get(file: string, stamp: FileStamp): string | undefined {
    const row = this.#rows.get(file);
    if (row && row[0] === stamp.size && row[1] === stamp.mtimeMs && row[2] === stamp.ino && row[3] === stamp.mode) {
      this.stats.hits++;
      return row[4];
    }
    this.stats.misses++;
    return undefined;
  }

  /** Remembers a hash, unless the file changed too recently to trust its stamp. */
  set(file: string, stamp: FileStamp, hash: string): void {
    if (this.#now() - stamp.mtimeMs < RACY_WINDOW_MS) {
      if (this.#rows.delete(file)) this.#dirty = true;
      return;
    }
    const row = this.#rows.get(file);
    if (row && row[4] === hash && row[0] === stamp.size && row[1] === stamp.mtimeMs && row[2] === stamp.ino && row[3] === stamp.mode) {
      return;
    }
    this.#rows.set(file, [stamp.size, stamp.mtimeMs, stamp.ino, stamp.mode, hash]);
    this.#dirty = true;
  }

  /** Entries held. */
  get size(): number {
    return this.#rows.size;
  }

  /** Writes the cache if anything changed: temp file then rename, so readers never see half a file. */
  async save(): Promise<void> {
    if (!this.#dirty || this.#file === undefined) return;
    const stored: Stored = { version: FORMAT_VERSION, files: Object.fromEntries(this.#rows) };
    await mkdir(path.dirname(this.#file), { recursive: true });
    const temp = `${this.#file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(temp, JSON.stringify(stored));
    await rename(temp, this.#file);
    this.#dirty = false;
  }
}
