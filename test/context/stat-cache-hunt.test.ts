import { chmod, rename, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hashContext } from '../../src/context/hash.js';
import { RACY_WINDOW_MS, StatCache } from '../../src/context/stat-cache.js';
import { walkContext } from '../../src/context/walk.js';
import { restoreMtime } from '../helpers/mtime.js';
import { makeTree } from './fixtures.js';
import { mulberry32 as random } from '../helpers/random.js';

// Hunts stale stat-cache hits: random edits meant to keep a file's stamp (same size, mtime set
// back, inode reused, mode flipped, rapid rewrites), each followed by a cached hash that must
// equal a hash with no cache at all.

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});


const NAMES = ['a.txt', 'b.txt', 'src/c.js', 'src/d.js', 'e.bin'];
const SIZE = 16;

type Edit = (file: string, content: string) => Promise<void>;

/** Writes that leave the size (and where it can, the mtime) as they were. */
const edits: Record<string, Edit> = {
  async sameSize(file, content) {
    await writeFile(file, content);
  },
  async mtimeRestored(file, content) {
    const before = await stat(file, { bigint: true });
    await writeFile(file, content);
    restoreMtime(file, before.mtimeNs);
  },
  async renameOver(file, content) {
    const before = await stat(file, { bigint: true });
    const temp = `${file}.tmp`;
    await writeFile(temp, content, { mode: Number(before.mode) & 0o777 });
    restoreMtime(temp, before.mtimeNs);
    await rename(temp, file);
  },
  async recreated(file, content) {
    // The freed inode is often reused at once: same path, size, inode and mtime.
    const before = await stat(file, { bigint: true });
    await unlink(file);
    await writeFile(file, content, { mode: Number(before.mode) & 0o777 });
    restoreMtime(file, before.mtimeNs);
  },
  async truncateRewrite(file, content) {
    const before = await stat(file, { bigint: true });
    await truncate(file, 0);
    await writeFile(file, content);
    restoreMtime(file, before.mtimeNs);
  },
  async chmod(file) {
    const before = await stat(file);
    await chmod(file, (before.mode & 0o111) !== 0 ? 0o644 : 0o755);
  },
  async rapidWrites(file, content) {
    await writeFile(file, content.split('').reverse().join(''));
    await writeFile(file, content);
  },
};

async function hunt(options: { seed: number; steps: number; cache: StatCache; pauseMs: number }): Promise<number> {
  const next = random(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const content = () => Array.from({ length: SIZE }, () => pick([...'abcdef0123456789'])).join('');
  const { root, cleanup } = await makeTree(Object.fromEntries([['Dockerfile', 'FROM x\n'], ...NAMES.map((n) => [n, 'x'.repeat(SIZE)])]));
  cleanups.push(cleanup);
  let cachedReads = 0;
  for (let step = 0; step < options.steps; step++) {
    if (options.pauseMs > 0) await new Promise((r) => setTimeout(r, options.pauseMs));
    const done: string[] = [];
    for (let n = 1 + Math.floor(next() * 3); n > 0; n--) {
      const name = pick(NAMES);
      const kind = pick(Object.keys(edits));
      await edits[kind]!(path.join(root, name), content());
      done.push(`${kind} ${name}`);
    }
    const entries = await walkContext({ context: root, dockerfile: 'Dockerfile' });
    const cached = await hashContext(entries, options.cache);
    const fresh = await hashContext(entries, StatCache.memory());
    cachedReads += cached.read;
    const context = `seed ${options.seed}, step ${step}: ${done.join(', ')}`;
    expect(Object.fromEntries(cached.files), context).toEqual(Object.fromEntries(fresh.files));
    expect(cached.digest, context).toBe(fresh.digest);
  }
  return cachedReads;
}

const seed = Number(process.env.KILN_HUNT_SEED ?? Math.floor(Math.random() * 2 ** 31));

describe('stat cache against random stamp-keeping edits', () => {
  it('never reuses a hash for changed content once the racy window is past (stamp alone decides)', async () => {
    // A clock past every racy window: only the stamp (size, mtime, ctime, inode, mode) can tell.
    // The pause puts each edit on a later kernel tick than the read before it, as any edit a
    // person or tool makes after a run is.
    const cache = StatCache.memory({ now: () => Date.now() + RACY_WINDOW_MS + 10_000 });
    const reads = await hunt({ seed, steps: 120, cache, pauseMs: 15 });
    // The cache did work: untouched files were not read again.
    expect(reads).toBeLessThan(120 * NAMES.length);
  }, 30_000);

  it('re-reads files edited within the racy window, however fast the edits come (real clock)', async () => {
    await hunt({ seed: seed + 1, steps: 150, cache: StatCache.memory(), pauseMs: 0 });
  }, 30_000);
});
