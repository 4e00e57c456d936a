import { lstatSync, readdirSync, readlinkSync, type BigIntStats, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import { KilnError, diagnostic } from '../diagnostics/diagnostic.js';
import { createContextFilter, type ContextFilter } from './dockerignore.js';

/** What a context entry is; docker also sends fifos and devices, kiln does not (see walk). */
export type ContextEntryType = 'file' | 'directory' | 'symlink';

/** One file, directory or symlink of a build context, as sent to the engine. */
export interface ContextEntry {
  /** Posix path relative to the context, no leading `./`. */
  path: string;
  absolutePath: string;
  type: ContextEntryType;
  /** Full st_mode (type and permission bits). */
  mode: number;
  /** Bytes for files; 0 otherwise. */
  size: number;
  mtimeMs: number;
  /** Modification time in nanoseconds (part of the stat cache's stamp). */
  mtimeNs: bigint;
  /** Status-change time in nanoseconds: moves on every write, chmod, rename or utimes, and no tool can set it back. */
  ctimeNs: bigint;
  ino: number;
  /** The link's target, verbatim, for symlinks. */
  linkTarget?: string;
}

/** Options of {@link walkContext}. */
export interface WalkContextOptions {
  /** The context directory (absolute, or relative to the working directory). */
  context: string;
  /** The Dockerfile: absolute, or relative to the context as in the manifest. */
  dockerfile: string;
  /** More patterns in .dockerignore syntax, applied after the ignore file's. */
  extraIgnore?: string[];
  /** Unused since the walk became synchronous; kept so existing callers compile. */
  concurrency?: number;
}

/** kiln's own state folder; never part of a context, or every cache save would change the key. */
const STATE_DIR = '.kiln';

/**
 * Lists what `docker build` would send for this context, sorted by path in byte order.
 * Symlinks are listed, never followed. Ignored directories are pruned unless a `!` pattern
 * begins inside them, exactly where moby's archive walker prunes: a deeper `!**\/x` does not
 * rescue a pruned directory in docker either, so pruning there is both faster and faithful.
 *
 * The walk itself is synchronous on purpose: it runs while kiln plans, when the event loop has
 * nothing else to do, and readdirSync + lstatSync cost ~5 µs a file where one promise per call
 * through the libuv pool cost ~40 µs (10,000 files: 55 ms sync, 95 ms batched promises, 400 ms
 * with one queued promise per call; bench/out/hash, Node 20 on 2 cores).
 */
export async function walkContext(options: WalkContextOptions): Promise<ContextEntry[]> {
  const context = path.resolve(options.context);
  const dockerfile = path.resolve(context, options.dockerfile);
  const filter = await createContextFilter({ context, dockerfile, ...(options.extraIgnore ? { extraIgnore: options.extraIgnore } : {}) });
  assertDirectory(context);
  const entries: ContextEntry[] = [];
  walkDirectory({ filter, entries }, context, '');
  return sortEntries(entries);
}

interface Walk {
  filter: ContextFilter;
  entries: ContextEntry[];
}

function walkDirectory(walk: Walk, dir: string, relDir: string): void {
  for (const child of readDirectory(dir)) {
    if (relDir === '' && child.name === STATE_DIR) continue;
    const rel = relDir === '' ? child.name : `${relDir}/${child.name}`;
    visitChild(walk, dir, rel, child);
  }
}

function visitChild(walk: Walk, dir: string, rel: string, child: Dirent): void {
  const { filter, entries } = walk;
  // dir is absolute and normalized (path.resolve), so concatenation is path.join without its cost.
  const absolutePath = dir === '/' ? `/${child.name}` : `${dir}/${child.name}`;
  const ignored = filter.ignores(rel);
  // Files the filter drops are never stat'ed: an ignored node_modules costs nothing.
  if (ignored && !child.isDirectory()) return;
  if (ignored && filter.canPrune(rel)) return;
  const stats = lstatOrUndefined(absolutePath);
  if (!stats) return; // deleted since readdir
  if (stats.isDirectory()) {
    // An ignored directory that an exception reaches into is walked but not itself sent (as in moby).
    if (!ignored) entries.push(toEntry(rel, absolutePath, 'directory', stats));
    walkDirectory(walk, absolutePath, rel);
  } else if (stats.isFile()) {
    entries.push(toEntry(rel, absolutePath, 'file', stats));
  } else if (stats.isSymbolicLink()) {
    entries.push({ ...toEntry(rel, absolutePath, 'symlink', stats), size: 0, linkTarget: readLink(absolutePath) });
  }
  // Sockets are skipped by docker too; fifos and devices have no place in a build context.
}

function toEntry(rel: string, absolutePath: string, type: ContextEntryType, stats: BigIntStats): ContextEntry {
  return {
    path: rel,
    absolutePath,
    type,
    mode: Number(stats.mode),
    size: type === 'file' ? Number(stats.size) : 0,
    mtimeMs: Number(stats.mtimeMs),
    mtimeNs: stats.mtimeNs,
    ctimeNs: stats.ctimeNs,
    ino: Number(stats.ino),
  };
}

/** Code units at or above U+D800, where UTF-16 order stops matching UTF-8 byte order. */
const BEYOND_UTF16_ORDER = /[\uD800-\uFFFF]/;

/** Sorts by the UTF-8 bytes of the path, the order tar and Go tools use, not UTF-16 order. */
export function sortEntries<T extends { path: string }>(entries: T[]): T[] {
  // Below U+D800, UTF-16 code unit order is code point order, which is UTF-8 byte order: plain
  // string comparison then sorts 10,000 paths in ~3 ms instead of ~15 ms through Buffers.
  if (!entries.some((entry) => BEYOND_UTF16_ORDER.test(entry.path))) {
    return [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
  const keyed = entries.map((entry) => ({ entry, key: Buffer.from(entry.path, 'utf8') }));
  keyed.sort((a, b) => Buffer.compare(a.key, b.key));
  return keyed.map((k) => k.entry);
}

function readDirectory(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return []; // removed while walking
    throw unreadable(dir, code, error);
  }
}

function lstatOrUndefined(file: string): BigIntStats | undefined {
  try {
    // Nanosecond times need bigint stats (~10% slower than plain lstat on 5,000 files: ~1.5 ms).
    return lstatSync(file, { bigint: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw unreadable(file, code, error);
  }
}

function readLink(file: string): string {
  try {
    return readlinkSync(file);
  } catch (error) {
    throw unreadable(file, (error as NodeJS.ErrnoException).code, error);
  }
}

function assertDirectory(context: string): void {
  let stats: Stats | undefined;
  try {
    stats = lstatSync(context);
  } catch {
    stats = undefined;
  }
  if (!stats?.isDirectory()) {
    throw new KilnError(
      diagnostic('usage', `build context ${context} is not a directory`, {
        hint: 'Point the image\'s context at an existing folder.',
      }),
    );
  }
}

function unreadable(file: string, code: string | undefined, error: unknown): KilnError {
  return new KilnError(
    diagnostic('usage', `cannot read ${file} in the build context: ${code ?? String(error)}`, {
      hint: 'Make it readable, or exclude it in .dockerignore.',
    }),
  );
}
