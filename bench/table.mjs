// Renders bench/results.json as the Markdown tables of BENCHMARKS.md:  node bench/table.mjs
import { readFileSync } from 'node:fs';

const results = JSON.parse(readFileSync(new URL('./results.json', import.meta.url), 'utf8'));
const s = results.scenarios;
const ms = (x) => (x ? `${fmt(x.median)} (${fmt(x.min)}–${fmt(x.max)})` : 'n/a');
const fmt = (n) => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${Math.round(n)} ms`);
const ratio = (r) => (r == null ? 'n/a' : `${r}×`);
const lines = [];
const row = (...cells) => lines.push(`| ${cells.join(' | ')} |`);

lines.push(`Machine: ${results.machine.cpu}, ${results.machine.cores} cores, ${results.machine.memory_gb} GB, Linux ${results.machine.kernel}, Node ${results.machine.node}, engine ${results.machine.engine}, docker CLI ${results.machine.docker_cli}, kiln ${results.machine.kiln}.`, '');
lines.push('Build scenarios (wall time, median (min–max); ratio = baseline median / kiln median, >1 means kiln is faster):', '');
row('scenario', 'kiln', 'docker build loop', 'ratio', 'xargs -P 2', 'ratio', 'engine alone (curl)', 'ratio');
row('---', '---', '---', '---', '---', '---', '---', '---');
for (const [name, label] of [['cold', 'cold, all images'], ['noop', 'no-op'], ['leaf', 'one leaf file changed'], ['base', 'one base file changed (cascade)']]) {
  const r = s[name];
  if (!r) continue;
  const extra = r.rebuilt !== undefined ? ` (${r.rebuilt} rebuilt)` : r.images ? ` (${r.images})` : '';
  row(`${label}${extra}`, ms(r.kiln), ms(r.docker_seq), ratio(r.ratio_docker_seq), ms(r.docker_xargs_p2), ratio(r.ratio_docker_xargs_p2), ms(r.engine), ratio(r.ratio_engine));
}
for (const name of ['leaf', 'base']) {
  if (s[name]) lines.push('', `${name}: kiln wall minus the engine's own time for the same rebuilds: ${ms(s[name].kiln_overhead_vs_engine)}; kiln's first start→last built: ${ms(s[name].kiln_first_start_to_last_built)}.`);
}
if (s.limits) {
  const l = s.limits;
  lines.push('', `Limits over the monorepo's contexts (${l.files} files, ${(l.bytes / 1e6).toFixed(1)} MB): sha256 node ${ms(l.sha256_node)} (${l.sha256_node.mb_per_s} MB/s), sha256sum ${ms(l.sha256sum)} (${l.sha256sum.mb_per_s} MB/s), lstat loop ${ms(l.lstat_loop)}, find -printf ${ms(l.find_printf)}.`);
}
if (s.hash) {
  const h = s.hash;
  lines.push('', `Hashing ${h.files} files, ${(h.bytes / 1e6).toFixed(0)} MB (fresh process each run; page cache warm):`, '');
  row('measure', 'median (min–max)', 'note');
  row('---', '---', '---');
  row('kiln cold (no stat cache)', ms(h.cold), `${h.cold.mb_per_s} MB/s = ${h.cold_vs_node_sha256}× node sha256, ${h.cold_vs_sha256sum}× sha256sum`);
  row('kiln warm (nothing changed)', ms(h.warm), `open cache ${ms(h.warm.open)}, walk ${ms(h.warm.walk)}, hash ${ms(h.warm.hash)}`);
  row('`kiln build` no-op on it (process)', ms(h.kiln_build_noop_warm), 'start-up, manifest, walk, hash, one listing');
  row('sha256, node crypto', ms(h.limits.sha256_node), `${h.limits.sha256_node.mb_per_s} MB/s`);
  row('sha256sum', ms(h.limits.sha256sum), `${h.limits.sha256sum.mb_per_s} MB/s`);
  row('lstat loop (node, sync)', ms(h.limits.lstat_loop), '');
  row('find -printf', ms(h.limits.find_printf), '');
}
if (s.rss) lines.push('', `Sending a ${(s.rss.bytes / 2 ** 30).toFixed(2)} GB context: kiln peak RSS ${s.rss.peak_rss_mb.median} MB (${s.rss.peak_rss_mb.min}–${s.rss.peak_rss_mb.max}), wall ${ms(s.rss.wall_ms)}.`);
if (s.watch) lines.push('', s.watch.status ? `watch: ${s.watch.status}: ${s.watch.note}` : `watch: save → build request ${ms(s.watch.save_to_request)} with a ${s.watch.debounce_ms} ms debounce; beyond the debounce ${ms(s.watch.beyond_debounce)}.`);
if (s.reconcile) {
  const r = s.reconcile;
  const states = (t) => Object.entries(t ?? {}).map(([k, v]) => `${v} ${k}`).join(', ');
  lines.push('', r.status ? `reconcile: ${r.status}: ${r.note ?? ''}` : `reconcile, ${r.images} images × ${r.tags_per_image} tags on the local registry (after a version change): plan (\`kiln reconcile --json\`, process) ${ms(r.plan)}, ${r.plan.registry_requests} registry requests, tags ${states(r.plan.tags)}; apply once ${fmt(r.apply.ms)}: ${states(r.apply.actions)}, ${r.apply.blob_bytes_uploaded} blob bytes uploaded by kiln, ${r.apply.registry_log_blob_uploads} blob upload requests in the registry's log; after it: ${states(r.after_apply)}.`);
}
console.log(lines.join('\n'));
