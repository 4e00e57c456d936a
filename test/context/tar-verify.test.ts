import { createHash } from 'node:crypto';
import { appendFile, chmod, mkdir, rename, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar-stream';
import { afterEach, describe, expect, it } from 'vitest';
import { contextTar } from '../../src/context/tar.js';
import { walkContext } from '../../src/context/walk.js';
import { hashedOf, makeTree } from './fixtures.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const MB = 1024 * 1024;
const big = (seed: string, size: number): Buffer => Buffer.alloc(size, seed);
const sha = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** Everything the stream gave before it ended or failed, and how it ended. */
async function drain(stream: Readable): Promise<{ bytes: Buffer; error?: Error }> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return { bytes: Buffer.concat(chunks) };
  } catch (error) {
    return { bytes: Buffer.concat(chunks), error: error as Error };
  }
}

/** Reads bytes as a tar the way an engine would; rejects unless they are one complete archive. */
async function readArchive(bytes: Buffer): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const reader = extract();
  const done = (async () => {
    for await (const entry of reader) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      files.set(entry.header.name.replace(/\/$/, ''), sha(Buffer.concat(chunks)));
    }
  })();
  await Promise.all([pipeline(Readable.from([bytes]), reader as unknown as NodeJS.WritableStream), done]);
  // tar-stream accepts an archive cut at an entry boundary; an engine may too. A complete one ends in two zero blocks.
  if (bytes.length < 1024 || bytes.subarray(-1024).some((b) => b !== 0)) throw new Error('no end-of-archive marker');
  return files;
}

type Change = (root: string) => Promise<void>;

const changes: Record<string, { file: string; change: Change; detail: RegExp }> = {
  'same-size content': { file: 'small.txt', change: (r) => writeFile(path.join(r, 'small.txt'), 'SMALL'), detail: /its content differs/ },
  'small file grew': { file: 'small.txt', change: (r) => appendFile(path.join(r, 'small.txt'), '!'), detail: /it grew past 5 bytes/ },
  'small file shrank': { file: 'small.txt', change: (r) => truncate(path.join(r, 'small.txt'), 2), detail: /it shrank to 2 bytes, was 5/ },
  'large file grew': { file: 'large.bin', change: (r) => appendFile(path.join(r, 'large.bin'), 'x'), detail: /it grew past 3145728 bytes/ },
  'large file shrank': { file: 'large.bin', change: (r) => truncate(path.join(r, 'large.bin'), MB), detail: /it shrank to 1048576 bytes, was 3145728/ },
  'large file same-size': { file: 'large.bin', change: (r) => writeFile(path.join(r, 'large.bin'), big('b', 3 * MB)), detail: /its content differs/ },
  deleted: { file: 'small.txt', change: (r) => rm(path.join(r, 'small.txt')), detail: /it was deleted/ },
  chmod: { file: 'small.txt', change: (r) => chmod(path.join(r, 'small.txt'), 0o755), detail: /its mode is now 755, was 644/ },
  'symlink retargeted': {
    file: 'link',
    change: async (r) => {
      await rm(path.join(r, 'link'));
      await symlink('large.bin', path.join(r, 'link'));
    },
    detail: /it now points to large.bin, was small.txt/,
  },
  'file replaced by a directory': {
    file: 'small.txt',
    change: async (r) => {
      await rm(path.join(r, 'small.txt'));
      await mkdir(path.join(r, 'small.txt'));
    },
    detail: /it is now a directory, was a file/,
  },
  'file replaced by a symlink': {
    file: 'large.bin',
    change: async (r) => {
      await rename(path.join(r, 'large.bin'), path.join(r, 'moved.bin'));
      await symlink('moved.bin', path.join(r, 'large.bin'));
    },
    detail: /it is now a symlink, was a file/,
  },
  'directory replaced by a file': {
    file: 'dir',
    change: async (r) => {
      await rm(path.join(r, 'dir'), { recursive: true });
      await writeFile(path.join(r, 'dir'), 'x');
    },
    detail: /it is now a file, was a directory|dir\/inner.txt changed/,
  },
};

async function context(): Promise<string> {
  const { root, cleanup } = await makeTree({
    Dockerfile: 'FROM x\n',
    'small.txt': 'small',
    'large.bin': big('a', 3 * MB),
    'dir/inner.txt': 'inner',
    'z-last.txt': 'last',
    link: { link: 'small.txt' },
  });
  cleanups.push(cleanup);
  return root;
}

describe('contextTar sends exactly what was hashed', () => {
  it.each(Object.entries(changes))('%s after hashing: fails naming the file, and the bytes sent are no complete archive', async (_name, { file, change, detail }) => {
    const root = await context();
    const entries = await walkContext({ context: root, dockerfile: 'Dockerfile' });
    const hashed = await hashedOf(entries, path.dirname(root));
    await change(root);
    const { bytes, error } = await drain(contextTar({ context: root, entries, hashed }));
    expect(error?.message).toMatch(new RegExp(`^${path.basename(root)}/${file.replace('.', '\\.')} changed while kiln was building \\(hashed at `));
    expect(error?.message).toMatch(detail);
    expect(error?.message).toMatch(/; run kiln again$/);
    await expect(readArchive(bytes)).rejects.toThrow();
    // Nothing of a changed large file passes whole: its last chunk was held back.
    if (file === 'large.bin' && !/symlink/.test(error!.message)) expect(bytes.length).toBeLessThan(3 * MB + 512);
  });

  it('sends an unchanged context whole, with the hashed bytes', async () => {
    const root = await context();
    const entries = await walkContext({ context: root, dockerfile: 'Dockerfile' });
    const hashed = await hashedOf(entries);
    const { bytes, error } = await drain(contextTar({ context: root, entries, hashed }));
    expect(error).toBeUndefined();
    const files = await readArchive(bytes);
    expect(files.get('large.bin')).toBe(hashed.files.get('large.bin'));
    expect(files.get('small.txt')).toBe(hashed.files.get('small.txt'));
  });

  it('never lets changed bytes through, whenever the edit lands while sending (randomized)', async () => {
    // Edits at random points of a slow send: either the archive completes with exactly the hashed
    // content, or the stream fails and what was sent is no complete archive.
    const seed = Math.floor(Math.random() * 1e9);
    let next = seed;
    const rand = () => ((next = (next * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const kinds = Object.values(changes);
    let failures = 0;
    for (let round = 0; round < 24; round++) {
      const root = await context();
      const entries = await walkContext({ context: root, dockerfile: 'Dockerfile' });
      const hashed = await hashedOf(entries);
      const { change } = kinds[Math.floor(rand() * kinds.length)]!;
      const at = Math.floor(rand() * 3.2 * MB);
      const chunks: Buffer[] = [];
      let sent = 0;
      let edited: Promise<void> | undefined;
      const sink = new Writable({
        highWaterMark: 16 * 1024,
        write(chunk: Buffer, _encoding, callback) {
          chunks.push(chunk);
          sent += chunk.length;
          if (edited === undefined && sent >= at) edited = change(root);
          // Slow: the edit has time to land while the rest is still unread.
          (edited ?? Promise.resolve()).then(() => setImmediate(callback), callback);
        },
      });
      const outcome = await pipeline(contextTar({ context: root, entries, hashed }), sink).then(
        () => undefined,
        (error: Error) => error,
      );
      await edited;
      const bytes = Buffer.concat(chunks);
      const where = `seed ${seed}, round ${round}, edit after ${at} bytes`;
      if (outcome === undefined) {
        const files = await readArchive(bytes);
        for (const [name, hash] of hashed.files) if (!name.startsWith('link')) expect(files.get(name), where).toBe(hash);
      } else {
        failures++;
        expect(outcome.message, where).toMatch(/changed while kiln was building/);
        await expect(readArchive(bytes), where).rejects.toThrow();
      }
    }
    // The edits must have raced the send often enough for the test to mean something.
    expect(failures).toBeGreaterThan(0);
  }, 60_000);
});
