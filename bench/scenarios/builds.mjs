// Build scenarios: cold, no-op, one leaf file changed, one base file changed (cascade); each against
// the docker shell loop (sequential and xargs -P 2) and the engine's own time (curl, BuildKit).
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { coldEngine, engineBuild, writeLoopScripts } from '../lib/docker.mjs';
import { parseEvents, ratio, run, summarize } from '../lib/stats.mjs';

const PREFIX = { kiln: 'kiln-bench-k', seq: 'kiln-bench-d', par: 'kiln-bench-x', engine: 'kiln-bench-e' };

/** One `kiln build` in its own process (start-up included); returns wall ms and the events. */
export async function kilnBuild(ctx, extra = []) {
  const r = await run(process.execPath, [ctx.kilnBin, 'build', '--progress', 'json', ...extra], { cwd: ctx.repo, env: ctx.env });
  const events = parseEvents(r.stdout);
  const done = events.find((e) => e.type === 'done');
  if (!done || done.counts.failed > 0) throw new Error(`kiln build failed:\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
  return { ms: r.ms, events, done };
}

function scripts(ctx) {
  const out = path.join(ctx.outDir, 'scripts');
  return {
    seq: writeLoopScripts({ repo: ctx.repo, graph: ctx.graph, outDir: path.join(out, 'seq'), prefix: PREFIX.seq }).seq,
    par: writeLoopScripts({ repo: ctx.repo, graph: ctx.graph, outDir: path.join(out, 'par'), prefix: PREFIX.par }).par,
  };
}

async function shell(ctx, script) {
  return (await run('bash', [script], { env: ctx.env })).ms;
}

function engine(ctx, names) {
  return engineBuild({ env: ctx.env, socket: ctx.socket, repo: ctx.repo, names, outDir: path.join(ctx.outDir, 'tars'), prefix: PREFIX.engine });
}

function compare(kiln, baselines) {
  const out = { kiln: summarize(kiln) };
  for (const [name, samples] of Object.entries(baselines)) {
    out[name] = summarize(samples);
    out[`ratio_${name}`] = ratio(out[name], out.kiln);
  }
  return out;
}

/** Every image of the repo built from nothing, by each tool in turn (the engine emptied before each). */
export async function cold(ctx) {
  const s = scripts(ctx);
  const all = ctx.graph.map((g) => g.name);
  const samples = { kiln: [], seq: [], par: [], engine: [] };
  for (let i = 0; i < ctx.coldRuns; i++) {
    await coldEngine(ctx.env, Object.values(PREFIX));
    await run('rm', ['-rf', path.join(ctx.repo, '.kiln')]);
    samples.kiln.push((await kilnBuild(ctx)).ms);
    await coldEngine(ctx.env, Object.values(PREFIX));
    samples.seq.push(await shell(ctx, s.seq));
    await coldEngine(ctx.env, Object.values(PREFIX));
    samples.par.push(await shell(ctx, s.par));
    await coldEngine(ctx.env, Object.values(PREFIX));
    samples.engine.push(await engine(ctx, all));
    ctx.log(`cold run ${i + 1}: kiln ${Math.round(samples.kiln.at(-1))} ms, seq ${Math.round(samples.seq.at(-1))}, xargs ${Math.round(samples.par.at(-1))}, engine ${Math.round(samples.engine.at(-1))}`);
  }
  // Leave every prefix built, so the warm scenarios can run next.
  await ensureBuilt(ctx);
  const { kiln, ...baselines } = samples;
  return { images: all.length, ...compare(kiln, { docker_seq: baselines.seq, docker_xargs_p2: baselines.par, engine: baselines.engine }) };
}

/** Builds every prefix once, untimed (a no-op when already built). */
export async function ensureBuilt(ctx) {
  const s = scripts(ctx);
  await kilnBuild(ctx);
  await shell(ctx, s.seq);
  await shell(ctx, s.par);
  await engine(ctx, ctx.graph.map((g) => g.name));
}

/** Nothing changed: kiln's whole run against each tool walking the same cached images. */
export async function noop(ctx) {
  await ensureBuilt(ctx);
  const s = scripts(ctx);
  const samples = { kiln: [], seq: [], par: [], engine: [] };
  for (let i = 0; i < ctx.runs; i++) {
    const k = await kilnBuild(ctx);
    if (k.done.counts.built !== 0) throw new Error('no-op build built something');
    samples.kiln.push(k.ms);
    samples.seq.push(await shell(ctx, s.seq));
    samples.par.push(await shell(ctx, s.par));
    samples.engine.push(await engine(ctx, ctx.graph.map((g) => g.name)));
    ctx.log(`noop run ${i + 1}: kiln ${Math.round(samples.kiln.at(-1))} ms, seq ${Math.round(samples.seq.at(-1))}`);
  }
  return compare(samples.kiln, { docker_seq: samples.seq, docker_xargs_p2: samples.par, engine: samples.engine });
}

/**
 * One file changed, then each tool runs (the file is changed again before each, so every tool sees
 * exactly one change since its own last build). The engine baseline builds only the affected images.
 */
async function changed(ctx, image, label) {
  await ensureBuilt(ctx);
  const s = scripts(ctx);
  const file = path.join(ctx.repo, 'images', image, 'src', 'file-0.txt');
  const touch = (who, i) => appendFileSync(file, `${label} ${who} ${i} ${Date.now()}\n`);
  const samples = { kiln: [], seq: [], par: [], engine: [], overhead: [], kilnEngine: [] };
  let rebuilt = [];
  for (let i = 0; i < ctx.runs; i++) {
    touch('kiln', i);
    const k = await kilnBuild(ctx);
    rebuilt = k.events.filter((e) => e.type === 'built').map((e) => e.image);
    samples.kiln.push(k.ms);
    touch('engine', i);
    const order = ctx.graph.map((g) => g.name).filter((n) => rebuilt.includes(n));
    samples.engine.push(await engine(ctx, order));
    samples.overhead.push(k.ms - samples.engine.at(-1));
    // The engine's part as kiln saw it: from the first start to the last built event.
    const starts = k.events.filter((e) => e.type === 'start').map((e) => e.time);
    const ends = k.events.filter((e) => e.type === 'built').map((e) => e.time);
    samples.kilnEngine.push(Math.max(...ends) - Math.min(...starts));
    touch('seq', i);
    samples.seq.push(await shell(ctx, s.seq));
    touch('par', i);
    samples.par.push(await shell(ctx, s.par));
    ctx.log(`${label} run ${i + 1}: kiln ${Math.round(samples.kiln.at(-1))} ms (${rebuilt.length} built), engine ${Math.round(samples.engine.at(-1))}, seq ${Math.round(samples.seq.at(-1))}`);
  }
  return {
    changed: path.relative(ctx.repo, file),
    rebuilt: rebuilt.length,
    ...compare(samples.kiln, { docker_seq: samples.seq, docker_xargs_p2: samples.par, engine: samples.engine }),
    kiln_overhead_vs_engine: summarize(samples.overhead),
    kiln_first_start_to_last_built: summarize(samples.kilnEngine),
  };
}

/** A leaf service's file changed: one image rebuilds. */
export function leaf(ctx) {
  const leafImage = ctx.graph.filter((g) => g.kind === 'leaf').at(-1)?.name ?? ctx.graph.at(-1).name;
  return changed(ctx, leafImage, 'leaf');
}

/** A base image's file changed: it and everything built on it rebuild. */
export function base(ctx) {
  return changed(ctx, 'base-0', 'base');
}
