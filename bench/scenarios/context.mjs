// Large contexts: hashing 10,000 files cold and warm (against sha256 and stat limits on the same
// tree), and kiln's peak memory while it sends a 1 GB context to the engine.
import { appendFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { generateLargeContext } from '../generate.mjs';
import { kilnBuild } from './builds.mjs';
import { limitsFor } from './limits.mjs';
import { run, summarize } from '../lib/stats.mjs';

async function probe(ctx, context, cacheFile) {
  const r = await run(process.execPath, [path.join(ctx.benchDir, 'hash-probe.mjs'), context, cacheFile], { env: { ...process.env, KILN_BENCH_DIST: ctx.kilnDist } });
  return JSON.parse(r.stdout);
}

/** Hashing the large context: cold (no stat cache, page cache warm) and warm (nothing changed). */
export async function hash(ctx) {
  const dir = path.join(ctx.outDir, 'hash');
  const { context, bytes } = generateLargeContext({ dir, files: ctx.hashFiles, totalBytes: ctx.hashBytes, name: 'kiln-bench-hash' });
  const cacheFile = path.join(dir, 'hashes.json');
  const lim = await limitsFor(context, ctx.runs);
  const coldRuns = [];
  for (let i = 0; i < ctx.runs; i++) {
    rmSync(cacheFile, { force: true });
    coldRuns.push(await probe(ctx, context, cacheFile));
  }
  const warmRuns = [];
  for (let i = 0; i < ctx.runs; i++) warmRuns.push(await probe(ctx, context, cacheFile));
  if (warmRuns.some((r) => r.read !== 0)) throw new Error('warm hashing read files');
  const part = (runs, key) => summarize(runs.map((r) => r[key]));
  const cold = part(coldRuns, 'total');
  const coldMbs = Math.round(bytes / 1e6 / (cold.median / 1000));
  // The whole CLI on the same tree, warm: a one-image no-op `kiln build` (process start included).
  await kilnBuild({ ...ctx, repo: dir });
  const cli = [];
  for (let i = 0; i < ctx.runs; i++) cli.push((await kilnBuild({ ...ctx, repo: dir })).ms);
  return {
    files: lim.files,
    bytes,
    cold: { ...cold, mb_per_s: coldMbs, walk: part(coldRuns, 'walk'), hash: part(coldRuns, 'hash'), save: part(coldRuns, 'save') },
    warm: { ...part(warmRuns, 'total'), open: part(warmRuns, 'open'), walk: part(warmRuns, 'walk'), hash: part(warmRuns, 'hash') },
    cold_vs_node_sha256: Math.round((coldMbs / lim.sha256_node.mb_per_s) * 100) / 100,
    cold_vs_sha256sum: Math.round((coldMbs / lim.sha256sum.mb_per_s) * 100) / 100,
    kiln_build_noop_warm: summarize(cli),
    limits: lim,
  };
}

/** Peak RSS of `kiln build` sending a 1 GB context (a small file changed before each run). */
export async function rss(ctx) {
  const dir = path.join(ctx.outDir, 'rss');
  const { context, bytes } = generateLargeContext({ dir, files: 1000, totalBytes: ctx.rssBytes, name: 'kiln-bench-rss' });
  const peaks = [];
  const walls = [];
  for (let i = 0; i < ctx.runs; i++) {
    appendFileSync(path.join(context, 'stamp.txt'), `${i} ${Date.now()}\n`);
    const r = await run(process.execPath, [ctx.kilnBin, 'build', '--progress', 'json'], { cwd: dir, env: ctx.env, sampleRss: true });
    if (!r.stdout.includes('"type":"built"')) throw new Error(`1 GB build did not build:\n${r.stdout.slice(-1500)}${r.stderr.slice(-1500)}`);
    peaks.push(r.peakRssMb);
    walls.push(r.ms);
    ctx.log(`rss run ${i + 1}: peak ${Math.round(r.peakRssMb)} MB in ${Math.round(r.ms)} ms`);
  }
  rmSync(dir, { recursive: true, force: true });
  return { bytes, peak_rss_mb: summarize(peaks), wall_ms: summarize(walls) };
}
