import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Header, Pack } from 'tar-stream';
import { WHOLE_READ_LIMIT } from './hash.js';
import { readVerified, verifiedChunks, verifyEntry, type HashedContext } from './verify.js';
import type { ContextEntry } from './walk.js';

/** The Dockerfile to put in the tar. */
export interface TarDockerfile {
  /** Absolute path of the Dockerfile on disk. */
  path: string;
  /** Its name in the tar; the build's `dockerfile` parameter. */
  nameInTar: string;
  /**
   * The text the key hashed (rewritten with pinned base images, or as read while preparing): sent
   * as the Dockerfile, in place of the context's file of that name, and never read from disk again.
   */
  content: string;
}

/** Options of {@link contextTar}. */
export interface ContextTarOptions {
  /** Absolute path of the context (the entries' root). */
  context: string;
  /** What to send, from walkContext, in that order. */
  entries: readonly ContextEntry[];
  /** What the key hashed: every entry is held to it while it is sent (see verify.ts). */
  hashed: HashedContext;
  dockerfile?: TarDockerfile;
}

/**
 * A name for a Dockerfile the context does not hold (outside it, or rewritten): content-addressed
 * and at the root, like docker/cli's `.dockerfile.<random>`, so the build is reproducible.
 */
export function generatedDockerfileName(content: string): string {
  return `.dockerfile.${createHash('sha256').update(content).digest('hex').slice(0, 12)}`;
}

/**
 * Streams the context as a tar, produced lazily as the consumer reads: one file open at a
 * time and tar-stream's backpressure all the way to the file reads, so memory does not grow
 * with the context. Each file is read once, and what is sent is exactly what the key hashed: an
 * entry that changed since fails the stream before the archive can be complete (see verify.ts).
 * uid/gid are 0 and names empty (as docker/cli's ChownOpts does); mode and mtime are kept, as
 * docker's CLI keeps them: BuildKit's COPY cache ignores mtimes.
 */
export function contextTar(options: ContextTarOptions): Readable {
  async function* produce(): AsyncGenerator<Buffer> {
    // Loaded on first use: a no-op build sends no context, and start-up is part of its time.
    const { pack } = await import('tar-stream');
    const tar = pack();
    let finished = false;
    let writeError: unknown;
    const writing = writeEntries(tar, options).then(
      () => tar.finalize(),
      (error: unknown) => {
        writeError = error;
        tar.destroy(error instanceof Error ? error : new Error(String(error)));
      },
    );
    try {
      for await (const chunk of tar) yield chunk as Buffer;
      finished = true;
    } catch (error) {
      // Prefer the writer's diagnostic over tar-stream's bare "Size mismatch".
      await writing;
      throw writeError ?? error;
    } finally {
      // The consumer stopped early (or failed): stop reading files too.
      if (!finished) tar.destroy();
      await writing;
    }
  }
  return Readable.from(produce(), { objectMode: false });
}

async function writeEntries(tar: Pack, options: ContextTarOptions): Promise<void> {
  const replacements = new Map<string, Buffer>();
  const additions: { name: string; content: Buffer }[] = [];
  const { dockerfile, entries, hashed } = options;
  const fileAt = (name: string) => entries.find((e) => e.path === name && e.type === 'file');
  const linked = entries.some((e) => e.path === dockerfile?.nameInTar && e.type === 'symlink');
  // A Dockerfile that is a link in the context goes as the link, as docker sends it; its target is an entry of its own.
  if (dockerfile && !linked) {
    const content = Buffer.from(dockerfile.content);
    if (fileAt(dockerfile.nameInTar)) {
      replacements.set(dockerfile.nameInTar, content);
    } else {
      additions.push({ name: dockerfile.nameInTar, content });
      // As docker/cli's AddDockerfileToBuildContext: list the added file in the tar's .dockerignore,
      // so the classic builder deletes it before COPY sees it. BuildKit reads no .dockerignore from
      // a tar body (verified): there `COPY . x` also copies this one file.
      const ignoreEntry = fileAt('.dockerignore');
      const original = ignoreEntry ? readVerified(ignoreEntry, hashed) : Buffer.alloc(0);
      const ignore = Buffer.concat([original, Buffer.from(`\n${dockerfile.nameInTar}\n`)]);
      if (ignoreEntry) replacements.set('.dockerignore', ignore);
      else additions.push({ name: '.dockerignore', content: ignore });
    }
  }
  for (const { name, content } of additions) {
    await addBuffer(tar, { name, type: 'file', mode: 0o644, mtime: new Date(0), ...owner }, content);
  }
  for (const entry of entries) {
    const replacement = replacements.get(entry.path);
    if (replacement) await addBuffer(tar, headerOf(entry), replacement);
    else await addEntry(tar, entry, hashed);
  }
}

const owner = { uid: 0, gid: 0, uname: '', gname: '' } as const;

type Headers = Partial<Header> & Pick<Header, 'name'>;

function headerOf(entry: ContextEntry): Headers {
  const base = { name: entry.path, mode: entry.mode & 0o7777, mtime: new Date(entry.mtimeMs), ...owner };
  switch (entry.type) {
    case 'file':
      return { ...base, type: 'file', size: entry.size };
    case 'directory':
      return { ...base, type: 'directory' };
    case 'symlink':
      return { ...base, type: 'symlink', linkname: entry.linkTarget ?? '' };
  }
}

async function addEntry(tar: Pack, entry: ContextEntry, hashed: HashedContext): Promise<void> {
  const header = headerOf(entry);
  if (entry.type !== 'file') {
    verifyEntry(entry, hashed);
    return addBuffer(tar, header, Buffer.alloc(0));
  }
  // Small files are read and checked whole before their header goes out (one sync read is ~3×
  // faster than a stream for files of a few KB); large ones stream, their last chunk held back.
  if (entry.size < WHOLE_READ_LIMIT) return addBuffer(tar, header, readVerified(entry, hashed));
  await new Promise<void>((resolve, reject) => {
    const source = Readable.from(verifiedChunks(entry, hashed), { objectMode: false });
    const sink = tar.entry(header, (error) => {
      if (!error) return resolve();
      source.destroy(); // the consumer went away: close the file
      reject(error);
    });
    sink.on('error', () => {}); // reported through the entry callback above
    source.on('error', (error) => {
      sink.destroy(error);
      reject(error);
    });
    source.pipe(sink as unknown as NodeJS.WritableStream);
  });
}

function addBuffer(tar: Pack, header: Headers, content: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    tar.entry({ ...header, size: content.byteLength }, content, (error) => (error ? reject(error) : resolve()));
  });
}
