import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, lstatSync, openSync, readlinkSync, readSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { KilnError, diagnostic } from '../diagnostics/diagnostic.js';
import type { ContextEntry } from './walk.js';

/** What the key hashed, to hold each entry to while it is sent. */
export interface HashedContext {
  /** Path → sha256 hex of the content, as {@link hashContext} returned it. */
  files: ReadonlyMap<string, string>;
  /** When the hashes were taken (stat-cached ones included: their stamps were checked then). */
  hashedAt: Date;
  /** Paths in messages are shown relative to this folder (the project root); absolute without it. */
  root?: string;
}

/** A file replaced by a symlink must not be followed to other bytes: opening it fails with ELOOP. */
const READ_NO_FOLLOW = constants.O_RDONLY | constants.O_NOFOLLOW;

/** Bytes read per call when a file is streamed; one such chunk is held back until the file checks out. */
const CHUNK = 256 * 1024;

/**
 * Checks a directory or symlink against the disk just before its header is sent: a header is a
 * whole entry, so it must be right before the engine can see it.
 */
export function verifyEntry(entry: ContextEntry, hashed: HashedContext): void {
  let stats: Stats;
  let target: string | undefined;
  try {
    stats = lstatSync(entry.absolutePath);
    if (entry.type === 'symlink' && stats.isSymbolicLink()) target = readlinkSync(entry.absolutePath);
  } catch (error) {
    throw contextChanged(entry, hashed, gone(error));
  }
  check(entry, hashed, stats);
  if (target !== entry.linkTarget) throw contextChanged(entry, hashed, `it now points to ${target}, was ${entry.linkTarget ?? ''}`);
}

/** Reads a file whole, if it still holds exactly the bytes hashed (size, mode and content); throws otherwise. */
export function readVerified(entry: ContextEntry, hashed: HashedContext): Buffer {
  let fd: number;
  try {
    fd = openSync(entry.absolutePath, READ_NO_FOLLOW);
  } catch (error) {
    throw contextChanged(entry, hashed, gone(error));
  }
  try {
    check(entry, hashed, fstatSync(fd));
    // One byte more than announced: a file that grew fills it.
    const bytes = Buffer.allocUnsafe(entry.size + 1);
    let length = 0;
    while (length < bytes.length) {
      const read = readSync(fd, bytes, length, bytes.length - length, null);
      if (read === 0) break;
      length += read;
    }
    const content = bytes.subarray(0, length);
    checkContent(entry, hashed, content.byteLength, createHash('sha256').update(content).digest('hex'));
    return content;
  } finally {
    closeSync(fd);
  }
}

/**
 * Streams a file in chunks that are exactly the bytes hashed. The last chunk is held back until
 * the whole file was read, matched the hash and did not grow: a tar entry whose header announces
 * more bytes than came cannot end an archive, so when the file changed, the engine gets a
 * truncated context and fails, whatever it makes of the aborted request.
 */
export async function* verifiedChunks(entry: ContextEntry, hashed: HashedContext): AsyncGenerator<Buffer> {
  const handle = await open(entry.absolutePath, READ_NO_FOLLOW).catch((error: unknown) => {
    throw contextChanged(entry, hashed, gone(error));
  });
  try {
    check(entry, hashed, await handle.stat());
    const hash = createHash('sha256');
    let held: Buffer | undefined;
    let length = 0;
    for (;;) {
      // Past the announced size, ask for one byte: any answer means the file grew.
      const buffer = Buffer.allocUnsafe(length < entry.size ? Math.min(CHUNK, entry.size - length) : 1);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > entry.size) break;
      const chunk = buffer.subarray(0, bytesRead);
      hash.update(chunk);
      if (held) yield held;
      held = chunk;
    }
    checkContent(entry, hashed, length, hash.digest('hex'));
    if (held) yield held;
  } finally {
    await handle.close();
  }
}

/** The failure of an image whose context no longer is what its key hashed. */
export function contextChanged(entry: Pick<ContextEntry, 'absolutePath'>, hashed: HashedContext, detail: string): KilnError {
  const shown = hashed.root ? path.relative(hashed.root, entry.absolutePath) : entry.absolutePath;
  return new KilnError(
    diagnostic('failed', `${shown} changed while kiln was building (hashed at ${hashed.hashedAt.toISOString()}; ${detail}); run kiln again`, {
      hint: 'kiln sends only the files its key hashed; the build was stopped before the engine had the whole context, and nothing was tagged.',
    }),
  );
}

function check(entry: ContextEntry, hashed: HashedContext, stats: Stats): void {
  const difference = typeDifference(entry, stats) ?? modeDifference(entry, stats);
  if (difference) throw contextChanged(entry, hashed, difference);
}

function checkContent(entry: ContextEntry, hashed: HashedContext, length: number, hash: string): void {
  if (length > entry.size) throw contextChanged(entry, hashed, `it grew past ${entry.size} bytes`);
  if (length < entry.size) throw contextChanged(entry, hashed, `it shrank to ${length} bytes, was ${entry.size}`);
  if (hash !== hashed.files.get(entry.path)) throw contextChanged(entry, hashed, 'its content differs');
}

function typeDifference(entry: ContextEntry, stats: Stats): string | undefined {
  const now = stats.isFile() ? 'file' : stats.isDirectory() ? 'directory' : stats.isSymbolicLink() ? 'symlink' : 'special file';
  return now === entry.type ? undefined : `it is now a ${now}, was a ${entry.type}`;
}

function modeDifference(entry: ContextEntry, stats: Stats): string | undefined {
  const [now, was] = [stats.mode & 0o7777, entry.mode & 0o7777];
  return now === was ? undefined : `its mode is now ${now.toString(8)}, was ${was.toString(8)}`;
}

function gone(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'it was deleted';
  if (code === 'ELOOP') return 'it is now a symlink, was a file';
  return `it cannot be read: ${code ?? String(error)}`;
}
