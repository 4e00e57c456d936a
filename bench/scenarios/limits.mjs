// The physical limits of this machine for the same bytes and the same tree: sha256 throughput
// (node crypto and sha256sum) and the cost of stat (a tight lstat loop and find -printf).
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { run, summarize } from '../lib/stats.mjs';

/** Every regular file under a folder (sync; for the measurements only). */
export function listFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(p));
    else if (entry.isFile()) out.push(p);
  }
  return out;
}

/** Node crypto over the files' bytes (read, then hashed, page cache warm): the best a Node hasher can do. */
function nodeSha256(files) {
  const t = performance.now();
  let bytes = 0;
  for (const f of files) {
    const data = readFileSync(f);
    bytes += data.length;
    createHash('sha256').update(data).digest('hex');
  }
  return { ms: performance.now() - t, bytes };
}

/** Limits measured over `dir`: sha256 throughput and stat cost, each over `runs` runs. */
export async function limitsFor(dir, runs) {
  const files = listFiles(dir);
  const node = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const r = nodeSha256(files);
    node.push(r.ms);
    bytes = r.bytes;
  }
  const sum = [];
  for (let i = 0; i < runs; i++) sum.push((await run('bash', ['-c', `find "${dir}" -type f -print0 | xargs -0 sha256sum >/dev/null`])).ms);
  const lstat = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    for (const f of files) lstatSync(f);
    lstat.push(performance.now() - t);
  }
  const find = [];
  for (let i = 0; i < runs; i++) find.push((await run('bash', ['-c', `find "${dir}" -printf '%s %T@ %i %m\\n' >/dev/null`])).ms);
  const nodeSummary = summarize(node);
  const sumSummary = summarize(sum);
  return {
    files: files.length,
    bytes,
    sha256_node: { ...nodeSummary, mb_per_s: Math.round(bytes / 1e6 / (nodeSummary.median / 1000)) },
    sha256sum: { ...sumSummary, mb_per_s: Math.round(bytes / 1e6 / (sumSummary.median / 1000)) },
    lstat_loop: summarize(lstat),
    find_printf: summarize(find),
  };
}

/** The limits over the generated monorepo's contexts. */
export function limits(ctx) {
  return limitsFor(path.join(ctx.repo, 'images'), ctx.runs);
}
