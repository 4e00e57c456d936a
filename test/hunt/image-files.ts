import { Client } from 'undici';
import { extract } from 'tar-stream';
import { Readable } from 'node:stream';
import { fingerprint, sha256, type Tree } from './tree.js';

/** One entry of an image's folder, as the engine's archive gives it. */
export interface ImageEntry {
  /** Relative to the folder read. */
  path: string;
  type: 'file' | 'directory' | 'symlink';
  mode: number;
  /** File content (the generated images hold only small files). */
  content: Buffer;
  linkname: string;
  /** For a Dockerfile put back to its text on disk: the bytes the image holds, as kiln sent them. */
  sent?: Buffer;
}

/** What a folder of an image holds: its tree, and its entries. */
export interface ImageFolder {
  tree: Tree;
  entries: ImageEntry[];
}

/** Reads folders out of images through the Engine API, without running them. */
export interface ImageReader {
  /** `folder` of image `id` (absolute, e.g. `/ctx`), paths relative to it; undefined when absent. */
  read(id: string, folder: string): Promise<ImageFolder | undefined>;
  close(): Promise<void>;
}

/** A reader for the engine at `dockerHost` (`unix:///path`). */
export function imageReader(dockerHost: string): ImageReader {
  const socketPath = dockerHost.replace(/^unix:\/\//, '');
  const client = new Client('http://engine', { socketPath });
  const call = async (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) => {
    const response = await client.request({
      method,
      path: `/v1.41${path}`,
      ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
    });
    return response;
  };
  return {
    async read(id, folder) {
      // A created, never started container: its filesystem is the image's, and nothing runs.
      const created = await call('POST', '/containers/create', { Image: id, Cmd: ['true'], NetworkDisabled: true });
      const createdBody = (await created.body.json()) as { Id?: string; message?: string };
      if (created.statusCode !== 201 || !createdBody.Id) throw new Error(`create container from ${id}: ${created.statusCode} ${createdBody.message ?? ''}`);
      const container = createdBody.Id;
      try {
        const archive = await call('GET', `/containers/${container}/archive?path=${encodeURIComponent(folder)}`);
        if (archive.statusCode === 404) {
          await archive.body.dump();
          return undefined;
        }
        if (archive.statusCode !== 200) throw new Error(`archive ${folder} of ${id}: ${archive.statusCode} ${await archive.body.text()}`);
        return await untar(archive.body, folder.replace(/^\/+/, '').split('/').pop() ?? '');
      } finally {
        const removed = await call('DELETE', `/containers/${container}?force=1&v=1`);
        await removed.body.dump();
      }
    },
    close: () => client.close(),
  };
}

/** Parses the engine's archive of a folder (entries named `<folder>/...`) into a tree. */
async function untar(body: Readable, top: string): Promise<ImageFolder> {
  const tree: Tree = new Map();
  const entries: ImageEntry[] = [];
  const parser = extract();
  const done = new Promise<void>((resolve, reject) => {
    parser.on('finish', resolve);
    parser.on('error', reject);
  });
  parser.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: unknown) => chunks.push(c as Buffer));
    stream.on('end', () => {
      const name = header.name.replace(/\/+$/, '');
      const rel = name === top ? '' : name.startsWith(`${top}/`) ? name.slice(top.length + 1) : name;
      if (rel !== '') {
        const content = Buffer.concat(chunks);
        const type = header.type === 'directory' ? 'directory' : header.type === 'symlink' ? 'symlink' : 'file';
        const hash = type === 'symlink' ? sha256(header.linkname ?? '') : type === 'file' ? sha256(content) : '';
        tree.set(rel, fingerprint(type, header.mode ?? 0, hash));
        entries.push({ path: rel, type, mode: header.mode ?? 0, content, linkname: header.linkname ?? '' });
      }
      next();
    });
  });
  body.pipe(parser);
  await done;
  return { tree, entries };
}

/** A Dockerfile's text with every image reference (`FROM x`, `--from=x`) masked. */
function masked(text: string): string {
  return text.replace(/^(FROM\s+)\S+/gm, '$1<ref>').replace(/--from=\S+/g, '--from=<ref>');
}

/**
 * The folder with each copy of a Dockerfile that kiln rewrote before sending (a dependency pointed
 * at an exact build, a base pinned to a digest: only image references differ) put back to the
 * text on disk it came from, so it compares with the key's inputs, which are that text.
 */
export function withOriginalDockerfiles(folder: ImageFolder, originals: ReadonlyMap<string, string>): ImageFolder {
  const byMasked = new Map([...originals.values()].map((text) => [masked(text), text]));
  const entries = folder.entries.map((entry) => {
    if (entry.type !== 'file' || !entry.path.endsWith('/Dockerfile') || originals.has(sha256(entry.content))) return entry;
    const original = byMasked.get(masked(entry.content.toString('utf8')));
    return original === undefined ? entry : { ...entry, content: Buffer.from(original), sent: entry.content };
  });
  const tree: Tree = new Map(folder.tree);
  for (const entry of entries) if (entry.type === 'file') tree.set(entry.path, fingerprint('file', entry.mode, sha256(entry.content)));
  return { tree, entries };
}
