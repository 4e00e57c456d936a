import { utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hashContext } from '../../src/context/hash.js';
import { StatCache } from '../../src/context/stat-cache.js';
import { walkContext } from '../../src/context/walk.js';
import { computeKey, isCacheKey, shortKey, type KeyInputs } from '../../src/plan/cache-key.js';
import { makeTree } from '../context/fixtures.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const base: KeyInputs = {
  dockerfile: 'FROM busybox\nCOPY . /app\n',
  contextDigest: `sha256:${'a'.repeat(64)}`,
  args: { APP: 'api', NODE: '20' },
  target: 'runtime',
  platform: 'linux/amd64',
  builder: 'buildkit',
  dependencies: { base: 'b'.repeat(64), tools: 'c'.repeat(64) },
  baseImages: { 'busybox:latest': `sha256:${'d'.repeat(64)}` },
};

describe('computeKey', () => {
  it('is a sha256 hex string with a 12-character short form', () => {
    const key = computeKey(base);
    expect(isCacheKey(key)).toBe(true);
    expect(shortKey(key)).toBe(key.slice(0, 12));
    expect(shortKey(key)).toHaveLength(12);
  });

  it('is deterministic and ignores map insertion order', () => {
    const reordered: KeyInputs = {
      ...base,
      args: { NODE: '20', APP: 'api' },
      dependencies: { tools: 'c'.repeat(64), base: 'b'.repeat(64) },
    };
    expect(computeKey(reordered)).toBe(computeKey(base));
    expect(computeKey({ ...base })).toBe(computeKey(base));
  });

  const variations: [string, Partial<KeyInputs>][] = [
    ['dockerfile', { dockerfile: 'FROM busybox\nCOPY . /srv\n' }],
    ['context', { contextDigest: `sha256:${'e'.repeat(64)}` }],
    ['arg value', { args: { APP: 'web', NODE: '20' } }],
    ['arg added', { args: { APP: 'api', NODE: '20', EXTRA: '' } }],
    ['target', { target: 'build' }],
    ['no target', { target: undefined }],
    ['platform', { platform: 'linux/arm64' }],
    ['builder', { builder: 'classic' }],
    ['dependency key', { dependencies: { base: 'f'.repeat(64), tools: 'c'.repeat(64) } }],
    ['dependency removed', { dependencies: { base: 'b'.repeat(64) } }],
    ['base image', { baseImages: { 'busybox:latest': `sha256:${'0'.repeat(64)}` } }],
  ];
  it.each(variations)('changes when the %s changes', (_name, change) => {
    expect(computeKey({ ...base, ...change })).not.toBe(computeKey(base));
  });

  it('does not confuse values across fields', () => {
    expect(computeKey({ ...base, args: { a: 'b' }, dependencies: {} })).not.toBe(
      computeKey({ ...base, args: {}, dependencies: { a: 'b' } }),
    );
  });

  it('follows context files, but not ones .dockerignore leaves out', async () => {
    const { root, cleanup } = await makeTree({
      Dockerfile: 'FROM busybox', '.dockerignore': '*.log\n', 'app.js': 'v1', 'debug.log': 'x',
    });
    cleanups.push(cleanup);
    const keyOf = async (): Promise<string> => {
      const entries = await walkContext({ context: root, dockerfile: 'Dockerfile' });
      const { digest } = await hashContext(entries, StatCache.memory());
      return computeKey({ ...base, contextDigest: digest });
    };
    const first = await keyOf();
    await writeFile(path.join(root, 'debug.log'), 'much more noise');
    await writeFile(path.join(root, 'new.log'), 'y');
    expect(await keyOf()).toBe(first);
    await writeFile(path.join(root, 'app.js'), 'v2');
    const edited = await keyOf();
    expect(edited).not.toBe(first);
    // mtime alone does not count: the image would be the same.
    await utimes(path.join(root, 'app.js'), new Date(0), new Date(0));
    expect(await keyOf()).toBe(edited);
  });
});
