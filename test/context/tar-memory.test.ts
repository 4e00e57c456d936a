import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { contextTar } from '../../src/context/tar.js';
import { walkContext } from '../../src/context/walk.js';
import { hashedOf } from './fixtures.js';

const FILES = 30;
const FILE_MB = 10;
let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'kiln-tar-mem-'));
  const block = randomBytes(1024 * 1024);
  for (let i = 0; i < FILES; i++) {
    await mkdir(path.join(root, `dir-${i % 3}`), { recursive: true });
    const handle = await open(path.join(root, `dir-${i % 3}`, `blob-${i}.bin`), 'w');
    for (let mb = 0; mb < FILE_MB; mb++) await handle.write(block);
    await handle.close();
  }
}, 120_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

it('streams ~300 MB through a slow sink without memory growing with the context', async () => {
  const entries = await walkContext({ context: root, dockerfile: 'Dockerfile' });
  const hashed = await hashedOf(entries);
  let bytes = 0;
  // A consumer slower than the disk: anything not held back by backpressure would pile up in memory.
  const sink = new Writable({
    highWaterMark: 64 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      bytes += chunk.byteLength;
      setImmediate(callback);
    },
  });
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    await pipeline(contextTar({ context: root, entries, hashed }), sink);
  } finally {
    clearInterval(sampler);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  expect(bytes).toBeGreaterThan(FILES * FILE_MB * 1024 * 1024);
  const growthMb = (peak - baseline) / 1024 / 1024;
  console.log(`tar of ${(bytes / 1e6).toFixed(0)} MB: rss growth ${growthMb.toFixed(1)} MB`);
  expect(growthMb).toBeLessThan(100);
}, 120_000);
