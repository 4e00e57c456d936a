import { createHash } from 'node:crypto';
import { Client } from 'undici';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar-stream';
import { services } from './services.js';

/** One file of an image, as the engine exports it. */
export interface ImageFile {
  type: string;
  /** Permission bits. */
  mode: number;
  content: string;
  /** sha256 hex of the content bytes. */
  sha256: string;
  linkname?: string;
}

/**
 * The files under `dir` inside an image, read through the Engine API (a created, never started
 * container and its archive export): what the image holds, not what kiln says it holds.
 */
export async function imageFiles(image: string, dir: string): Promise<Map<string, ImageFile>> {
  const client = new Client('http://localhost', { socketPath: services().dockerHost.replace(/^unix:\/\//, '') });
  try {
    const created = await client.request({
      method: 'POST',
      path: '/v1.41/containers/create',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Image: image, Cmd: ['true'], NetworkDisabled: true }),
    });
    if (created.statusCode !== 201) throw new Error(`create container from ${image}: ${await created.body.text()}`);
    const { Id: container } = (await created.body.json()) as { Id: string };
    try {
      const archive = await client.request({ method: 'GET', path: `/v1.41/containers/${container}/archive?path=${encodeURIComponent(dir)}` });
      if (archive.statusCode !== 200) throw new Error(`export ${dir} of ${image}: ${await archive.body.text()}`);
      return await untar(archive.body);
    } finally {
      await (await client.request({ method: 'DELETE', path: `/v1.41/containers/${container}?force=1` })).body.dump();
    }
  } finally {
    await client.close();
  }
}

async function untar(body: Readable): Promise<Map<string, ImageFile>> {
  const files = new Map<string, ImageFile>();
  const reader = extract();
  const done = (async () => {
    for await (const entry of reader) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      const h = entry.header;
      const bytes = Buffer.concat(chunks);
      files.set(h.name.replace(/\/$/, ''), {
        type: h.type ?? 'file',
        mode: (h.mode ?? 0) & 0o7777,
        content: bytes.toString(),
        sha256: createHash('sha256').update(bytes).digest('hex'),
        ...(h.linkname ? { linkname: h.linkname } : {}),
      });
    }
  })();
  await Promise.all([pipeline(body, reader as unknown as NodeJS.WritableStream), done]);
  return files;
}
