import type { Dirent, Stats } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import PQueue from 'p-queue';
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
  /** File-system calls in flight. */
  concurrency?: number;
}

/** kiln's own state folder; never part of a context, or every cache save would change the key. */
const STATE_DIR = '.kiln';

/**
 * Lists what `docker build` would send for this context, sorted by path in byte order.
 * Symlinks are listed, never followed. Ignored directories are pruned unless a `!` pattern
 * begins inside them, exactly where moby's archive walker prunes: a deeper `!**\/x` does not
 * rescue a pruned directory in docker either, so pruning there is both faster and faithful.
 */
export async function walkContext(options: WalkContextOptions): Promise<ContextEntry[]> {
  const context = path.resolve(options.context);
  const dockerfile = path.resolve(context, options.dockerfile);
  const filter = await createContextFilter({ context, dockerfile, ...(options.extraIgnore ? { extraIgnore: options.extraIgnore } : {}) });
  const entries: ContextEntry[] = [];
  const queue = new PQueue({ concurrency: options.concurrency ?? 32 });
  let failure: unknown;
  // Every readdir and every lstat is one task of one bounded queue, so a flat folder of
  // 10,000 files is stat'ed in parallel as well as a deep tree.
  const run = (task: () => Promise<void>): void => {
    void queue.add(task).catch((error: unknown) => {
      failure ??= error;
      queue.clear();
    });
  };
  const visit = (dir: string, relDir: string): void => {
    run(async () => {
      for (const child of await readDirectory(dir)) {
        if (relDir === '' && child.name === STATE_DIR) continue;
        const rel = relDir === '' ? child.name : `${relDir}/${child.name}`;
        run(() => visitChild({ filter, dir, rel, child, entries, visit }));
      }
    });
  };
  await assertDirectory(context);
  visit(context, '');
  await queue.onIdle();
  if (failure !== undefined) throw failure;
  return sortEntries(entries);
}

interface VisitChild {
  filter: ContextFilter;
  dir: string;
  rel: string;
  child: Dirent;
  entries: ContextEntry[];
  visit: (dir: string, relDir: string) => void;
}

async function visitChild({ filter, dir, rel, child, entries, visit }: VisitChild): Promise<void> {
  const absolutePath = path.join(dir, child.name);
  const ignored = filter.ignores(rel);
  // Files the filter drops are never stat'ed: an ignored node_modules costs nothing.
  if (ignored && !child.isDirectory()) return;
  if (ignored && filter.canPrune(rel)) return;
  const stats = await lstatOrUndefined(absolutePath);
  if (!stats) return; // deleted since readdir
  if (stats.isDirectory()) {
    // An ignored directory that an exception reaches into is walked but not itself sent (as in moby).
    if (!ignored) entries.push(toEntry(rel, absolutePath, 'directory', stats));
    visit(absolutePath, rel);
  } else if (stats.isFile()) {
    entries.push(toEntry(rel, absolutePath, 'file', stats));
  } else if (stats.isSymbolicLink()) {
    entries.push({ ...toEntry(rel, absolutePath, 'symlink', stats), size: 0, linkTarget: await readlink(absolutePath) });
  }
  // Sockets are skipped by docker too; fifos and devices have no place in a build context.
}

function toEntry(rel: string, absolutePath: string, type: ContextEntryType, stats: Stats): ContextEntry {
  return {
    path: rel,
    absolutePath,
    type,
    mode: stats.mode,
    size: type === 'file' ? stats.size : 0,
    mtimeMs: stats.mtimeMs,
    ino: stats.ino,
  };
}

/** Sorts by the UTF-8 bytes of the path, the order tar and Go tools use, not UTF-16 order. */
export function sortEntries<T extends { path: string }>(entries: T[]): T[] {
  const keyed = entries.map((entry) => ({ entry, key: Buffer.from(entry.path, 'utf8') }));
  keyed.sort((a, b) => Buffer.compare(a.key, b.key));
  return keyed.map((k) => k.entry);
}

async function readDirectory(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return []; // removed while walking
    throw unreadable(dir, code, error);
  }
}

async function lstatOrUndefined(file: string): Promise<Stats | undefined> {
  try {
    return await lstat(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw unreadable(file, code, error);
  }
}

async function assertDirectory(context: string): Promise<void> {
  const stats = await lstatOrUndefined(context).catch(() => undefined);
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
