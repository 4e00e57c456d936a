// Times kiln's context hashing alone in a fresh process: open the stat cache, walk, hash, save.
// Prints one JSON line. Usage: [KILN_BENCH_DIST=dist] node bench/hash-probe.mjs CONTEXT CACHE_FILE
const dist = process.env.KILN_BENCH_DIST ?? new URL('../dist', import.meta.url).pathname;
const { StatCache, hashContext, walkContext } = await import(`${dist}/context/index.js`);

const [context, cacheFile] = process.argv.slice(2);
const t0 = performance.now();
const cache = await StatCache.open(cacheFile);
const t1 = performance.now();
const entries = await walkContext({ context, dockerfile: 'Dockerfile' });
const t2 = performance.now();
const digest = await hashContext(entries, cache);
const t3 = performance.now();
await cache.save();
const t4 = performance.now();
console.log(JSON.stringify({ total: t4 - t0, open: t1 - t0, walk: t2 - t1, hash: t3 - t2, save: t4 - t3, files: entries.length, read: digest.read }));
