// Hunts for commands that key an image differently (issue #9 item 7): random project shapes
// (seeded, bounded), with and without kiln.lock, with and without dependencies, bases local-only,
// on the open registry and on the login-only one, sometimes missing from the engine. For each,
// every command's key of every image must be the one `kiln push` built, before and after a change,
// and every command must agree on which images a change touched.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { idsOf, lsCurrentKeys, planKeys, pruneDryRunKeys, reconcileKeys, runBuild } from './command-keys.js';
import { cleanup, fixture, type Fixture } from './fixture.js';
import { mulberry32 as random } from '../helpers/random.js';

/** A base an image stage starts from or copies from: an external image, or an earlier image of the manifest. */
type Source = { kind: 'external'; base: External } | { kind: 'image'; index: number };
/** busybox (local only, never moved: other tests share it), a base on the open registry, one on the login-only registry. */
type External = 'local' | 'open' | 'auth';

interface ImageShape {
  from: Source;
  /** A `helper` stage whose file the final stage copies. */
  helper?: Source;
  /** A `COPY --from=<reference>` straight from another image. */
  copyFrom?: Source;
  /** The final FROM names `${SRC}`: set in the Dockerfile's ARG default, or only by the manifest's args. */
  viaArg?: 'default' | 'manifest';
  target: boolean;
  classic: boolean;
  arg: string;
}

interface Shape {
  locked: boolean;
  images: ImageShape[];
  /** Remove the registry bases from the engine before the first command (it must pull them, as build does). */
  evictBases: boolean;
  /** What to change after the first push. */
  change: { kind: 'file'; index: number } | { kind: 'base'; base: Exclude<External, 'local'> };
}


/** What a fixed seed forces, so the fixed set covers every combination that matters. */
interface Forced {
  locked?: boolean;
  dependencies?: boolean;
  evictBases?: boolean;
}

function makeShape(seed: number, forced: Forced): Shape {
  const r = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(r() * items.length)]!;
  const dependencies = forced.dependencies ?? r() < 0.7;
  const count = 2 + Math.floor(r() * 3);
  const source = (index: number): Source => (dependencies && index > 0 && r() < 0.5 ? { kind: 'image', index: Math.floor(r() * index) } : { kind: 'external', base: pick(['local', 'open', 'auth'] as const) });
  const images: ImageShape[] = [];
  for (let i = 0; i < count; i++) {
    images.push({
      from: source(i),
      ...(r() < 0.3 ? { helper: source(i) } : {}),
      ...(r() < 0.25 ? { copyFrom: source(i) } : {}),
      ...(r() < 0.3 ? { viaArg: pick(['default', 'manifest'] as const) } : {}),
      target: r() < 0.3,
      classic: r() < 0.25,
      arg: pick(['a', 'b', 'c']),
    });
  }
  // What a seed forces is there for sure: an edge between images; a registry base to evict.
  const sources = (): Source[] => images.flatMap((image) => [image.from, image.helper, image.copyFrom]).filter((s): s is Source => s !== undefined);
  if (forced.dependencies && !sources().some((s) => s.kind === 'image')) images[count - 1]!.from = { kind: 'image', index: 0 };
  if (forced.evictBases && !sources().some((s) => s.kind === 'external' && s.base !== 'local')) images[0]!.from = { kind: 'external', base: 'auth' };
  const used = new Set(sources().flatMap((s) => (s.kind === 'external' && s.base !== 'local' ? [s.base] : [])));
  const movable = [...used] as Exclude<External, 'local'>[];
  const change: Shape['change'] = movable.length > 0 && r() < 0.5 ? { kind: 'base', base: pick(movable) } : { kind: 'file', index: Math.floor(r() * count) };
  return { locked: forced.locked ?? r() < 0.5, images, evictBases: forced.evictBases ?? r() < 0.5, change };
}

/** Names of the images `changed` touches directly, plus everything depending on them. */
function withDependents(shape: Shape, touched: (image: ImageShape, index: number) => boolean): string[] {
  const changed = new Set<number>();
  shape.images.forEach((image, index) => {
    const sources = [image.from, image.helper, image.copyFrom].filter((s): s is Source => s !== undefined);
    if (touched(image, index) || sources.some((s) => s.kind === 'image' && changed.has(s.index))) changed.add(index);
  });
  return [...changed].map((i) => `img${i}`).sort();
}

/** The seeds: a fixed set covering locked × dependencies, plus one new each run (in the test name, to replay with KILN_KEYS_SEED). */
const fixed: [number, Forced][] = [
  [11, { locked: true, dependencies: true, evictBases: true }],
  [12, { locked: false, dependencies: true, evictBases: true }],
  [13, { locked: true, dependencies: false, evictBases: false }],
  [14, { locked: false, dependencies: false, evictBases: false }],
];
const replay = Number(process.env.KILN_KEYS_SEED);
const seeds: [number, Forced][] = process.env.KILN_KEYS_SEED
  ? [[replay, fixed.find(([seed]) => seed === replay)?.[1] ?? {}]]
  : [...fixed, [Date.now() % 1_000_000, {}]];

describe('every command keys every image alike (random shapes)', () => {
  let f: Fixture | undefined;
  afterEach(async () => {
    if (f) {
      cleanup(f);
      await f.project.remove();
    }
    f = undefined;
  });

  it.each(seeds)('seed %i %j', async (seed, forced) => {
    const shape = makeShape(seed, forced);
    const fx = (f = await fixture());
    fx.login();
    const prefix = `${fx.s.registry}/${fx.project.id}`;
    const externals: Record<External, string> = {
      local: fx.s.baseImage,
      open: `${fx.s.registry}/${fx.project.id}-ext/open:1`,
      auth: `${fx.s.authRegistry}/${fx.project.id}-ext/auth:1`,
    };
    let markers = 0;
    const pushBase = async (base: Exclude<External, 'local'>): Promise<void> => {
      const dir = `markers/${++markers}`;
      await fx.project.write({ [`${dir}/Dockerfile`]: `FROM ${fx.s.baseImage}\nCOPY m /m\n`, [`${dir}/m`]: `${base} ${markers} {{id}}\n` });
      fx.docker('build', '-q', '--network', 'none', '-t', externals[base], join(fx.project.root, dir));
      fx.docker('push', '-q', externals[base]);
    };
    const ref = (s: Source): string => (s.kind === 'external' ? externals[s.base] : `${prefix}/img${s.index}:latest`);
    const files: Record<string, string> = {};
    const entries = shape.images.map((image, i) => {
      const lines: string[] = [];
      if (image.viaArg) lines.push(image.viaArg === 'default' ? `ARG SRC=${ref(image.from)}` : 'ARG SRC');
      if (image.helper) lines.push(`FROM ${ref(image.helper)} AS helper`);
      lines.push(`FROM ${image.viaArg ? '${SRC}' : ref(image.from)} AS final`, `ARG X`, `COPY f /f-img${i}`);
      if (image.helper) lines.push('COPY --from=helper /bin/ash /helper-ash');
      if (image.copyFrom) lines.push(`COPY --from=${ref(image.copyFrom)} /bin/ash /copied-ash`);
      files[`img${i}/Dockerfile`] = `${lines.join('\n')}\n`;
      files[`img${i}/f`] = `img${i} {{id}}\n`;
      const args = { X: image.arg, ...(image.viaArg === 'manifest' ? { SRC: ref(image.from) } : {}) };
      return `  img${i}: ${JSON.stringify({ context: `img${i}`, args, ...(image.target ? { target: 'final' } : {}), ...(image.classic ? { builder: 'classic' } : {}) })}`;
    });
    files['images.yaml'] = ['version: 1', 'name: "{{id}}"', `registry: ${prefix}`, 'images:', ...entries, ''].join('\n');
    await pushBase('open');
    await pushBase('auth');
    await fx.project.write(files);
    if (shape.locked) expect((await fx.kiln(['lock'])).code).toBe(0);
    /** Removes every reference (tag or digest) of the registry bases' repositories from the engine: a build has to pull them again. */
    const evict = (): void => {
      if (!shape.evictBases) return;
      for (const base of ['open', 'auth'] as const) {
        const repository = externals[base].slice(0, externals[base].lastIndexOf(':'));
        const rows = fx.docker('images', '--digests', '--format', '{{.Tag}} {{.Digest}}', repository).split('\n').filter(Boolean);
        const refs = rows.flatMap((row) => {
          const [tag, digest] = row.split(' ');
          return [...(tag !== '<none>' ? [`${repository}:${tag}`] : []), ...(digest !== '<none>' ? [`${repository}@${digest}`] : [])];
        });
        // Untagging only: the engine keeps an image that kiln's builds have as a parent (classic builder).
        for (const ref of new Set(refs)) {
          try {
            fx.docker('rmi', ref);
          } catch {
            // gone with the image of an earlier reference
          }
        }
        expect(fx.docker('images', '-q', repository)).toBe('');
      }
    };
    const keysOf = (m: ReadonlyMap<string, { key: string }>): Record<string, string> => Object.fromEntries([...m].map(([name, v]) => [name, v.key]).sort());
    const names = shape.images.map((_, i) => `img${i}`).sort();
    const describeShape = JSON.stringify(shape);

    // plan pulls nothing: an image on an evicted unpinned base (or depending on one) has no key
    // there, the others have the key every command computes.
    const unknown = shape.evictBases && !shape.locked ? withDependents(shape, (image) => [image.from, image.helper, image.copyFrom].some((s) => s?.kind === 'external' && s.base !== 'local')) : [];
    const lookThenReconcile = async (): ReturnType<typeof reconcileKeys> => {
      const looked = await planKeys(fx);
      expect([...looked].filter(([, p]) => p.key === undefined).map(([n]) => n).sort(), describeShape).toEqual(unknown);
      const reconciled = await reconcileKeys(fx);
      for (const [n, p] of looked) if (p.key !== undefined) expect(p.key, `${n} ${describeShape}`).toBe(reconciled.get(n)!.key);
      return reconciled;
    };

    // Before anything is built: plan, reconcile (which pulls the bases the engine lacks, as build does), plan again.
    evict();
    const reconciled = await lookThenReconcile();
    const planned = await planKeys(fx);
    expect(keysOf(planned), describeShape).toEqual(keysOf(reconciled));
    evict();
    const pushed = await runBuild(fx, 'push');
    expect(keysOf(pushed), describeShape).toEqual(keysOf(planned));

    // Right after the push, every command agrees that nothing is left to do.
    const settled = async (): Promise<void> => {
      const again = await reconcileKeys(fx);
      expect(keysOf(again), describeShape).toEqual(keysOf(pushed));
      for (const [image, p] of again) expect(Object.values(p.actions).filter((a) => a === 'create' || a === 'move'), `${image} ${describeShape}`).toEqual([]);
      const plan = await planKeys(fx);
      expect(keysOf(plan), describeShape).toEqual(keysOf(pushed));
      expect([...plan].filter(([, p]) => !p.cached).map(([n]) => n), describeShape).toEqual([]);
      expect(Object.fromEntries(await lsCurrentKeys(fx)), describeShape).toEqual(Object.fromEntries([...pushed].map(([n, p]) => [n, [p.key]])));
      const current = [...pushed.values()].map((p) => p.key.slice(0, 12));
      expect((await pruneDryRunKeys(fx, ['--keep', '0'])).filter((k) => current.includes(k)), describeShape).toEqual([]);
    };
    await settled();
    const before = idsOf(fx, names.map((n) => `${prefix}/${n}:latest`));
    expect((await fx.kiln(['tag'])).code).toBe(0);
    expect(idsOf(fx, names.map((n) => `${prefix}/${n}:latest`))).toEqual(before);

    // One change; with a lock, a moved base tag changes nothing until `kiln lock --update`.
    let expected: string[];
    const change = shape.change;
    if (change.kind === 'file') {
      await fx.project.write({ [`img${change.index}/f`]: `img${change.index} changed {{id}}\n` });
      expected = withDependents(shape, (_, index) => index === change.index);
    } else {
      await pushBase(change.base);
      if (shape.locked) {
        await settled();
        expect((await fx.kiln(['lock', '--update'])).code).toBe(0);
      }
      const uses = (s: Source | undefined): boolean => s?.kind === 'external' && s.base === change.base;
      expected = withDependents(shape, (image) => uses(image.from) || uses(image.helper) || uses(image.copyFrom));
    }
    evict();
    const replan = await lookThenReconcile();
    const plan = await planKeys(fx);
    expect(keysOf(replan), describeShape).toEqual(keysOf(plan));
    expect([...plan].filter(([, p]) => !p.cached).map(([n]) => n).sort(), describeShape).toEqual(expected);
    expect([...replan].filter(([, p]) => Object.values(p.actions).some((a) => a === 'create' || a === 'move')).map(([n]) => n).sort(), describeShape).toEqual(expected);
    const current = await lsCurrentKeys(fx);
    expect([...current.keys()].sort(), describeShape).toEqual(names.filter((n) => !expected.includes(n)));
    expect(await pruneDryRunKeys(fx, ['--keep', '0']), describeShape).toEqual(expected.map((n) => pushed.get(n)!.key.slice(0, 12)).sort());
    const rebuilt = await runBuild(fx, 'push');
    expect(keysOf(rebuilt), describeShape).toEqual(keysOf(plan));
    expect([...rebuilt].filter(([, b]) => b.outcome === 'built').map(([n]) => n).sort(), describeShape).toEqual(expected);
    for (const [n, b] of rebuilt) pushed.set(n, b);
    await settled();
  }, 240_000);
});
