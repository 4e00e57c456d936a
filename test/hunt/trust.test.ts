import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { services } from '../helpers/services.js';
import { huntProjects, moveTag } from './fixture.js';
import { mutate, type HuntProject } from './hunt-project.js';
import { claims, startKiln, summary, varArgs, type KilnRun } from './kiln-runs.js';
import { prng, runSeed, type Prng } from './prng.js';

// Spawns bin/kiln.js: run `npm run build` first. KILN_HUNT_ROUNDS (default 2) and KILN_HUNT_SEED
// (default: fresh) replay or widen the hunt; every failure prints the seed of its round.

const rounds = Math.max(1, Number(process.env.KILN_HUNT_ROUNDS ?? 2));
const seed = runSeed();
const { engine, generate } = huntProjects();

/** `--var` values for a run: each image's arg left at its default or set to one of two values. */
function randomVars(hunt: HuntProject, rng: Prng): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const image of hunt.images) if (rng.chance(0.4)) vars[hunt.varOf(image.name)] = rng.pick(['a', 'b']);
  return vars;
}

/** Exit codes a run racing edits and other runs may end with: success, a failed image, a file that vanished. */
const racingExits = new Set([0, 1, 2]);

/**
 * One round: a generated project, built once; then three concurrent `kiln build`s (two of them with
 * different values for the base's arg) while a mutator edits the contexts and now and then moves a
 * tag onto the base image; then sequential builds
 * on a still tree after an ignored-only edit (nothing may rebuild), an mtime-preserving edit and
 * random ones (one build with --no-cache); then `kiln plan`, `kiln push` and `kiln reconcile`, which
 * must key as the last build did. Sometimes the base is a registry image pinned by `kiln lock`. Every claim of every run is
 * judged by the oracle; the round returns the violations and a log to replay it by.
 */
async function huntRound(roundSeed: number): Promise<{ violations: string[]; log: string[] }> {
  const rng = prng(roundSeed);
  const { hunt, judge, log, violations } = await generate(rng);
  const root = hunt.project.root;
  log.push(`graph: ${hunt.images.map((i) => `${i.name} (${hunt.ref(i.name)})${i.from ? ` FROM ${i.from}` : ''}${i.copyFrom ? ` COPY --from ${i.copyFrom}` : ''}`).join(', ')}`);
  const judged = async (run: KilnRun, exact: boolean) => {
    log.push(summary(run));
    violations.push(...(await judge.checkRun(run, { exact })));
  };
  await judged(await startKiln(root, 'initial', ['build']), true);

  const varsOf = [{}, { ...randomVars(hunt, rng), [hunt.varOf('i0')]: 'a' }, { ...randomVars(hunt, rng), [hunt.varOf('i0')]: 'b' }];
  let running = varsOf.length;
  const runs: Promise<KilnRun>[] = [];
  for (const [n, vars] of varsOf.entries()) {
    runs.push(startKiln(root, `concurrent#${n}`, ['build'], vars).finally(() => running--));
    await sleep(rng.int(0, 300));
  }
  for (let edits = 0; running > 0 && edits < 16; edits++) {
    await sleep(rng.int(20, 250));
    // Now and then someone else moves a tag that dependents name.
    log.push(rng.chance(0.15) ? await moveTag(engine, hunt, rng.pick(hunt.images).name) : `edit: ${await mutate(hunt, rng)}`);
  }
  for (const run of await Promise.all(runs)) {
    await judged(run, false);
    if (!racingExits.has(run.code ?? -1) || /\n\s+at /.test(run.stderr)) violations.push(`${run.label}: exit ${run.code}: ${run.stderr.trim().slice(0, 800)}`);
  }
  violations.push(...(await judge.checkTags()));

  // Quiet tree: let every edit leave the stat cache's racy window, so the next run remembers
  // every stamp and an mtime-preserving edit afterwards is a real test of the cache.
  await sleep(2_100);
  let vars = randomVars(hunt, rng);
  const quiet = await startKiln(root, 'sequential#0', ['build'], vars);
  await judged(quiet, true);
  // Ignored files are not inputs: nothing rebuilds, every key stays.
  log.push(`edit: ${await mutate(hunt, rng, 'ignored')}`);
  const ignored = await startKiln(root, 'sequential#1', ['build'], vars);
  await judged(ignored, true);
  const before = new Map(claims(quiet).map((c) => [c.image, c.key]));
  for (const claim of claims(ignored)) {
    if (claim.type !== 'cached' || claim.key !== before.get(claim.image)) violations.push(`sequential#1: ${claim.image} ${claim.type} with key ${claim.key.slice(0, 12)} after an edit of an ignored file only (was ${before.get(claim.image)?.slice(0, 12)})`);
  }
  log.push(`edit: ${await mutate(hunt, rng, 'same-size-keep-mtime')}`, `edit: ${await mutate(hunt, rng)}`);
  await judged(await startKiln(root, 'sequential#2', ['build'], vars), true);
  log.push(`edit: ${await mutate(hunt, rng)}`);
  vars = randomVars(hunt, rng);
  await judged(await startKiln(root, 'sequential#3', ['build', '--no-cache'], vars), true);
  violations.push(...(await judge.checkTags()));

  // Every command computes the same keys: plan agrees with the build that just ran.
  const last = await startKiln(root, 'sequential#4', ['build'], vars);
  await judged(last, true);
  const planned = await runCli(['plan', '--json', ...varArgs(vars)], { cwd: root, env: { DOCKER_HOST: services().dockerHost } });
  if (planned.code !== 0) violations.push(`plan: exit ${planned.code}: ${planned.stderr.trim().slice(0, 500)}`);
  const document = (planned.code === 0 ? JSON.parse(planned.stdout) : { images: [] }) as { images: { name: string; key?: string; cached?: boolean }[] };
  for (const claim of claims(last)) {
    const image = document.images.find((i) => i.name === claim.image);
    if (image?.key !== claim.key || image.cached !== true) violations.push(`plan: ${claim.image} key ${image?.key?.slice(0, 12)} cached ${image?.cached}, the build just made ${claim.key.slice(0, 12)}`);
  }

  // Push and reconcile key as build did: right after a push every tag is where the manifest wants it.
  const env = { DOCKER_HOST: services().dockerHost };
  const pushed = await startKiln(root, 'push', ['push'], vars);
  log.push(summary(pushed));
  if (pushed.code !== 0) violations.push(`push: exit ${pushed.code}: ${pushed.stderr.trim().slice(0, 500)}`);
  const reconciled = await runCli(['reconcile', '--json', ...varArgs(vars)], { cwd: root, env });
  if (reconciled.code !== 0) violations.push(`reconcile: exit ${reconciled.code}: ${reconciled.stderr.trim().slice(0, 500)}`);
  const state = (reconciled.code === 0 ? JSON.parse(reconciled.stdout) : { images: [] }) as { images: { image: string; key: string; tags: { tag: string; action: string }[] }[] };
  for (const claim of claims(last)) {
    const image = state.images.find((i) => i.image === claim.image);
    if (image?.key !== claim.key) violations.push(`reconcile: ${claim.image} key ${image?.key?.slice(0, 12)}, the build made ${claim.key.slice(0, 12)}`);
    for (const tag of image?.tags ?? []) if (tag.action !== 'ok' && tag.action !== 'extra') violations.push(`reconcile: ${claim.image}:${tag.tag} ${tag.action} right after kiln push`);
  }
  return { violations, log };
}

describe('randomized trust: every image kiln tags or calls cached holds exactly what its key describes (real engine)', () => {
  for (let round = 0; round < rounds; round++) {
    it(`round ${round + 1}/${rounds}`, { timeout: 240_000 }, async () => {
      const roundSeed = (seed + round) >>> 0;
      const { violations, log } = await huntRound(roundSeed).catch((error: unknown) => {
        throw new Error(`KILN_HUNT_SEED=${roundSeed}: ${error instanceof Error ? error.stack : String(error)}`);
      });
      expect(violations, `KILN_HUNT_SEED=${roundSeed} KILN_HUNT_ROUNDS=1 replays this round\n${log.join('\n')}\n`).toEqual([]);
    });
  }
});
