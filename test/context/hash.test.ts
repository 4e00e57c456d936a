import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hashContext } from '../../src/context/hash.js';
import { StatCache, statCachePath, RACY_WINDOW_MS } from '../../src/context/stat-cache.js';
import { walkContext } from '../../src/context/walk.js';
import { restoreMtime } from '../helpers/mtime.js';
import { makeTree, type Tree } from './fixtures.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');
const past = new Date(Date.now() - 60_000);
/**
 * A clock past the racy window of files written now: utimes can age a file's mtime but not its
 * ctime, and a hash is trusted only once both are older than the window.
 */
const later = (): number => Date.now() + RACY_WINDOW_MS + 10_000;

/** A context whose files have old mtimes (their ctimes are now: pair it with {@link later}). */
async function oldTree(tree: Tree): Promise<string> {
  const { root, cleanup } = await makeTree(tree);
  cleanups.push(cleanup);
  for (const name of Object.keys(tree)) if (!name.endsWith('/')) await utimes(path.join(root, name), past, past).catch(() => {});
  return root;
}

const walk = (root: string) => walkContext({ context: root, dockerfile: 'Dockerfile' });

describe('hashContext', () => {
  it('hashes file contents and symlink targets, and digests the sorted entries', async () => {
    const root = await oldTree({ Dockerfile: 'FROM x', 'src/a.js': 'a', link: { link: 'src/a.js' } });
    const result = await hashContext(await walk(root), StatCache.memory());
    expect(result.files.get('src/a.js')).toBe(sha('a'));
    expect(result.files.get('link')).toBe(sha('src/a.js'));
    expect(result.files.has('src')).toBe(false);
    expect(result.entries.get('src/a.js')).toBe(`file:644:${sha('a')}`);
    expect(result.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(result.read).toBe(2);
  });

  it('hashes empty, small, large (streamed) and grown files by their bytes', async () => {
    const small = 'x'.repeat(1000);
    const large = 'y'.repeat(3 * 1024 * 1024 + 5);
    const grown = 'z'.repeat(1024 * 1024 + 7);
    const root = await oldTree({ Dockerfile: 'FROM x', empty: '', small, large, grown: 'short' });
    const entries = await walk(root);
    // Written after the walk: the file now holds more than the whole-read buffer, and its bytes are what count.
    await writeFile(path.join(root, 'grown'), grown);
    const result = await hashContext(entries, StatCache.memory());
    expect(result.files.get('empty')).toBe(sha(''));
    expect(result.files.get('small')).toBe(sha(small));
    expect(result.files.get('large')).toBe(sha(large));
    expect(result.files.get('grown')).toBe(sha(grown));
  });

  it('costs no reads on an unchanged tree, across a save and reopen', async () => {
    const root = await oldTree({ Dockerfile: 'FROM x', 'a.txt': 'a', 'b/c.txt': 'c' });
    const project = await oldTree({});
    const file = statCachePath(project);
    const first = await StatCache.open(file, { now: later });
    const cold = await hashContext(await walk(root), first);
    expect(cold.read).toBe(3);
    await first.save();

    const second = await StatCache.open(file, { now: later });
    const warm = await hashContext(await walk(root), second);
    expect(warm.read).toBe(0);
    expect(second.stats).toEqual({ hits: 3, misses: 0 });
    expect(warm.digest).toBe(cold.digest);

    // Nothing changed: save() must not rewrite the file.
    const before = await stat(file);
    await second.save();
    expect((await stat(file)).mtimeMs).toBe(before.mtimeMs);
  });

  it('re-reads a file whose size, mtime or mode changed, and the digest follows', async () => {
    const root = await oldTree({ Dockerfile: 'FROM x', 'a.txt': 'aaa' });
    const cache = StatCache.memory({ now: later });
    const base = await hashContext(await walk(root), cache);

    await writeFile(path.join(root, 'a.txt'), 'bbb'); // same size, new mtime
    await utimes(path.join(root, 'a.txt'), new Date(past.getTime() + 1000), new Date(past.getTime() + 1000));
    const edited = await hashContext(await walk(root), cache);
    expect(edited.read).toBe(1);
    expect(edited.digest).not.toBe(base.digest);

    await chmod(path.join(root, 'a.txt'), 0o755);
    const chmodded = await hashContext(await walk(root), cache);
    expect(chmodded.read).toBe(1);
    expect(chmodded.files.get('a.txt')).toBe(edited.files.get('a.txt'));
    expect(chmodded.digest).not.toBe(edited.digest);
  });

  it('re-reads a same-size edit whose mtime was set back (touch -r): ctime moved', async () => {
    const root = await oldTree({ Dockerfile: 'FROM x', 'a.txt': 'aaa' });
    const cache = StatCache.memory({ now: later });
    const base = await hashContext(await walk(root), cache);
    const before = await stat(path.join(root, 'a.txt'), { bigint: true });
    await new Promise((r) => setTimeout(r, 20)); // a later kernel tick, wherever ctime is coarse
    await writeFile(path.join(root, 'a.txt'), 'bbb');
    restoreMtime(path.join(root, 'a.txt'), before.mtimeNs);
    const edited = await hashContext(await walk(root), cache);
    expect(edited.read).toBe(1);
    expect(edited.files.get('a.txt')).toBe(sha('bbb'));
    expect(edited.digest).not.toBe(base.digest);
  });

  it('trusts a hash only when the file changed more than the racy window before its read', async () => {
    const { root, cleanup } = await makeTree({ Dockerfile: 'FROM x', 'fresh.txt': 'f' });
    cleanups.push(cleanup);
    let now = Date.now();
    const cache = StatCache.memory({ now: () => now });
    expect((await hashContext(await walk(root), cache)).read).toBe(2);
    expect((await hashContext(await walk(root), cache)).read).toBe(2); // both just written: racy, read again
    now += RACY_WINDOW_MS + 1_000;
    // The rows of the earlier reads stay racy: they were read too soon after the writes.
    expect((await hashContext(await walk(root), cache)).read).toBe(2);
    expect((await hashContext(await walk(root), cache)).read).toBe(0);
  });

  it('discards a cache of the previous format (no ctime)', async () => {
    const root = await oldTree({ Dockerfile: 'FROM x', 'a.txt': 'aaa' });
    const project = await oldTree({});
    const file = statCachePath(project);
    const [entry] = (await walk(root)).filter((e) => e.path === 'a.txt');
    const old = { version: 1, files: { [entry!.absolutePath]: [entry!.size, entry!.mtimeMs, entry!.ino, entry!.mode, sha('stale')] } };
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(old));
    const cache = await StatCache.open(file, { now: later });
    expect(cache.size).toBe(0);
    expect((await hashContext(await walk(root), cache)).files.get('a.txt')).toBe(sha('aaa'));
  });

  it('reports a file deleted between the walk and its read as a race (exit 1), not a bad manifest', async () => {
    const root = await oldTree({ Dockerfile: 'FROM x', 'gone.txt': 'g' });
    const entries = await walk(root);
    await rm(path.join(root, 'gone.txt'));
    await expect(hashContext(entries, StatCache.memory())).rejects.toMatchObject({
      diagnostics: [expect.objectContaining({ kind: 'failed', message: expect.stringContaining('gone.txt in the build context: ENOENT') })],
    });
  });

  it('starts empty from a damaged cache file', async () => {
    const project = await oldTree({ '.kiln/cache/hashes.json': '{"version":1,"files":' });
    const cache = await StatCache.open(statCachePath(project));
    expect(cache.size).toBe(0);
  });

  it('loads and saves 10,000 entries quickly', async () => {
    const project = await oldTree({});
    const file = statCachePath(project);
    const cache = await StatCache.open(file, { now: () => 1e13 });
    const stamp = (i: number) => ({ size: i, mtimeNs: BigInt(1.7e18 + i * 1e6), ctimeNs: BigInt(1.7e18 + i * 1e6 + 1), ino: 1e6 + i, mode: 0o100644 });
    for (let i = 0; i < 10_000; i++) cache.set(`/repo/src/module-${i}/index.ts`, stamp(i), sha(String(i)), 1e13);
    let started = performance.now();
    await cache.save();
    const saveMs = performance.now() - started;
    started = performance.now();
    const reopened = await StatCache.open(file, { now: () => 1e13 });
    const openMs = performance.now() - started;
    expect(reopened.size).toBe(10_000);
    expect(reopened.get('/repo/src/module-7/index.ts', stamp(7))).toBe(sha('7'));
    expect(reopened.get('/repo/src/module-7/index.ts', { ...stamp(7), ctimeNs: stamp(7).ctimeNs + 1n })).toBeUndefined();
    const bytes = (await readFile(file)).byteLength;
    console.log(`stat cache, 10,000 entries: save ${saveMs.toFixed(1)} ms, open ${openMs.toFixed(1)} ms, ${(bytes / 1e6).toFixed(2)} MB`);
    expect(saveMs + openMs).toBeLessThan(1_000);
  });
});
