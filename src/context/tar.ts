import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Header, Pack } from 'tar-stream';
import { KilnError, diagnostic } from '../diagnostics/diagnostic.js';
import type { ContextEntry } from './walk.js';

/** The Dockerfile to put in the tar, when it is outside the context or rewritten. */
export interface TarDockerfile {
  /** Absolute path of the Dockerfile on disk (read only when `content` is absent). */
  path: string;
  /** Its name in the tar; the build's `dockerfile` parameter. */
  nameInTar: string;
  /** Text to send instead of the file (a Dockerfile rewritten with pinned base images). */
  content?: string;
}

/** Options of {@link contextTar}. */
export interface ContextTarOptions {
  /** Absolute path of the context (the entries' root). */
  context: string;
  /** What to send, from walkContext, in that order. */
  entries: readonly ContextEntry[];
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
 * with the context. uid/gid are 0 and names empty (as docker/cli's ChownOpts does); mode and
 * mtime are kept, as docker's CLI keeps them: BuildKit's COPY cache ignores mtimes.
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
  const override = options.dockerfile && (await dockerfileOverride(options.dockerfile, options.entries));
  if (override) {
    const fileAt = (name: string) => options.entries.find((e) => e.path === name && e.type === 'file');
    if (fileAt(override.name)) {
      replacements.set(override.name, override.content);
    } else {
      additions.push(override);
      // As docker/cli's AddDockerfileToBuildContext: list the added file in the tar's .dockerignore,
      // so the classic builder deletes it before COPY sees it. BuildKit reads no .dockerignore from
      // a tar body (verified): there `COPY . x` also copies this one file.
      const ignoreEntry = fileAt('.dockerignore');
      const original = ignoreEntry ? await readFile(ignoreEntry.absolutePath) : Buffer.alloc(0);
      const content = Buffer.concat([original, Buffer.from(`\n${override.name}\n`)]);
      if (ignoreEntry) replacements.set('.dockerignore', content);
      else additions.push({ name: '.dockerignore', content });
    }
  }
  for (const { name, content } of additions) {
    await addBuffer(tar, { name, type: 'file', mode: 0o644, mtime: new Date(0), ...owner }, content);
  }
  for (const entry of options.entries) {
    const replacement = replacements.get(entry.path);
    if (replacement) await addBuffer(tar, headerOf(entry), replacement);
    else await addEntry(tar, entry);
  }
}

/** The Dockerfile bytes to add, or undefined when the context already sends the right file. */
async function dockerfileOverride(
  dockerfile: TarDockerfile,
  entries: readonly ContextEntry[],
): Promise<{ name: string; content: Buffer } | undefined> {
  if (dockerfile.content !== undefined) return { name: dockerfile.nameInTar, content: Buffer.from(dockerfile.content) };
  const existing = entries.find((e) => e.path === dockerfile.nameInTar);
  if (existing && existing.absolutePath === dockerfile.path) return undefined;
  try {
    return { name: dockerfile.nameInTar, content: await readFile(dockerfile.path) };
  } catch (error) {
    throw new KilnError(
      diagnostic('usage', `cannot read Dockerfile ${dockerfile.path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
        hint: 'Check the image\'s dockerfile path.',
      }),
    );
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

async function addEntry(tar: Pack, entry: ContextEntry): Promise<void> {
  const header = headerOf(entry);
  if (entry.type !== 'file' || entry.size === 0) return addBuffer(tar, header, Buffer.alloc(0));
  await new Promise<void>((resolve, reject) => {
    const sink = tar.entry(header, (error) => (error ? reject(changed(entry, error)) : resolve()));
    sink.on('error', () => {}); // reported through the entry callback above
    // Read exactly the size the header announces; a file that grew is cut, one that shrank fails.
    const source = createReadStream(entry.absolutePath, { start: 0, end: entry.size - 1 });
    source.on('error', (error) => {
      sink.destroy(error);
      reject(changed(entry, error));
    });
    source.pipe(sink as unknown as NodeJS.WritableStream);
  });
}

function addBuffer(tar: Pack, header: Headers, content: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    tar.entry({ ...header, size: content.byteLength }, content, (error) => (error ? reject(error) : resolve()));
  });
}

function changed(entry: ContextEntry, error: unknown): KilnError {
  const detail = error instanceof Error ? error.message : String(error);
  return new KilnError(
    diagnostic('failed', `${entry.path} changed while the build context was being sent (${detail})`, {
      hint: 'Run the build again once the files stop changing.',
    }),
  );
}
