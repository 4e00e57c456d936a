import { describe, expect, it } from 'vitest';
import { buildImages } from '../../src/build/build.js';
import { loadProject } from '../../src/config/index.js';
import type { Engine } from '../../src/engine/engine.js';
import { resolveGraph, type ResolvedGraph } from '../../src/plan/resolve-graph.js';
import type { BuildEvent } from '../../src/run/events.js';
import { services } from '../helpers/services.js';
import type { TempProject } from '../helpers/project.js';
import { manifest, projectsOnEngine } from '../build/fixture.js';
import { seeded } from './fixture.js';

/** The project's graph, as `kiln build` resolves it. */
async function resolve(p: TempProject): Promise<ResolvedGraph> {
  const loaded = await loadProject({ file: `${p.root}/images.yaml`, vars: {}, sets: [], env: {}, cwd: p.root });
  if (!loaded.ok) throw new Error('manifest did not load');
  const resolved = await resolveGraph(loaded.value, { selection: [] });
  if (!resolved.ok) throw new Error('graph did not resolve');
  return resolved.value;
}

/** Builds through `engine` (a wrapper around the real one), collecting the events. */
async function build(p: TempProject, engine: Engine): Promise<{ events: BuildEvent[]; failed: Map<string, string> }> {
  const events: BuildEvent[] = [];
  await buildImages({ resolved: await resolve(p), engine, sink: { emit: (e) => events.push(e) }, signal: new AbortController().signal, credentials: { getAuth: async () => undefined }, keepGoing: true });
  const failed = new Map(events.flatMap((e) => (e.type === 'failed' ? [[e.image, e.error] as const] : [])));
  return { events, failed };
}

/** The real engine with some methods replaced; everything else goes to the engine as is. */
function wrap(engine: Engine, overrides: Partial<Engine>): Engine {
  return new Proxy(engine, {
    get(target, property, receiver) {
      const override = (overrides as Record<PropertyKey, unknown>)[property];
      if (override !== undefined) return override;
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * Issue #9 item 6: kiln tags an image ID only once it has checked it is the image just built, and
 * an image's tags move all together or the failure says exactly which moved.
 */
describe('trusting what the engine says (real engine)', () => {
  const { engine, project } = projectsOnEngine();

  it('a build stream naming another image (busybox) fails the image and tags nothing', async () => {
    const p = await project({
      'images.yaml': manifest(['solo: { context: solo, tags: [v1, latest] }']),
      'solo/Dockerfile': `FROM ${services().baseImage}\nRUN echo solo-{{id}}\n`,
    });
    const busybox = (await engine.inspectImage(services().baseImage))!;
    const lying = wrap(engine, {
      build: async (request, onProgress, signal) => {
        await engine.build(request, onProgress, signal); // the real build happens; its answer is replaced
        return { id: busybox.Id };
      },
    });
    const { events, failed } = await build(p, lying);
    const key = (events.find((e) => e.type === 'start') as { key: string }).key;
    expect(failed.get('solo')).toBe(
      `the engine reported image ${busybox.Id} as the build of "solo", which does not carry this build's dev.kiln.image=solo, dev.kiln.key=${key}, dev.kiln.project=${p.id}, dev.kiln.repository=${services().registry}/${p.id}/solo: nothing was tagged`,
    );
    expect(events.some((e) => e.type === 'built')).toBe(false);
    const registry = `${services().registry}/${p.id}`;
    expect(await engine.inspectImage(`${registry}/solo:v1`)).toBeUndefined();
    expect(await engine.inspectImage(`${registry}/solo:latest`)).toBeUndefined();
    expect((await engine.inspectImage(services().baseImage))?.RepoTags.sort()).toEqual([...busybox.RepoTags].sort());
  });

  it('a tag call that fails halfway puts the image\'s refs back where they were', async () => {
    const p = await project({
      'images.yaml': manifest(['solo: { context: solo, tags: [v1, v2, latest] }']),
      'solo/Dockerfile': `FROM ${services().baseImage}\nCOPY f /f\n`,
      'solo/f': 'one {{id}}\n',
    });
    const first = await build(p, engine);
    const before = (first.events.find((e) => e.type === 'built') as { id: string }).id;
    await p.write({ 'solo/f': 'two {{id}}\n' });
    let calls = 0;
    const failing = wrap(engine, {
      tag: async (image, repository, tag, signal) => {
        if (++calls === 3) throw new Error('engine went away');
        return engine.tag(image, repository, tag, signal);
      },
    });
    const { failed } = await build(p, failing);
    const registry = `${services().registry}/${p.id}`;
    expect(failed.get('solo')).toBe(`tagging ${registry}/solo:latest failed: engine went away; ${registry}/solo:v1, ${registry}/solo:v2 were put back; no tag moved`);
    for (const t of ['v1', 'v2', 'latest']) expect((await engine.inspectImage(`${registry}/solo:${t}`))?.Id).toBe(before);
  });

  it('hunts: the k-th tag call fails (and sometimes every call after it): each ref ends at its previous image, or is named as moved', async () => {
    const seed = Number(process.env.KILN_HUNT_SEED ?? Date.now() % 100_000);
    const random = seeded(seed);
    const registry = `${services().registry}/{{id}}`;
    const p = await project({
      'images.yaml': manifest(['base: { context: base, tags: [v1, v2, latest] }', 'app: { context: app, tags: [v1, latest] }', 'solo: { context: solo, tags: [a, b] }']),
      'base/Dockerfile': `FROM ${services().baseImage}\nCOPY f /f\n`,
      'app/Dockerfile': `FROM ${registry}/base:latest\nCOPY f /g\n`,
      'solo/Dockerfile': `FROM ${services().baseImage}\nCOPY f /f\n`,
    });
    const refs = (name: string, tags: string[]) => tags.map((t) => `${services().registry}/${p.id}/${name}:${t}`);
    const all = { base: refs('base', ['v1', 'v2', 'latest']), app: refs('app', ['v1', 'latest']), solo: refs('solo', ['a', 'b']) };
    for (let round = 0; round < 6; round++) {
      const stamp = `${seed}-${round}-${random()}`;
      await p.write({ 'base/f': `${stamp}\n`, 'app/f': `${stamp}\n`, 'solo/f': `${stamp}\n` });
      const previous = new Map<string, string | undefined>();
      for (const ref of Object.values(all).flat()) previous.set(ref, (await engine.inspectImage(ref))?.Id);
      const k = 1 + Math.floor(random() * 8);
      const stuck = round % 2 === 1; // every other round, putting the refs back fails too
      let calls = 0;
      const failAt = (n: number) => n === k || (stuck && n > k);
      const failing = wrap(engine, {
        tag: async (image, repository, tag, signal) => {
          if (failAt(++calls)) throw new Error(`tag call ${calls} refused`);
          return engine.tag(image, repository, tag, signal);
        },
        removeImage: async (ref, options, signal) => {
          if (stuck && calls >= k) throw new Error('remove refused');
          return engine.removeImage(ref, options, signal);
        },
      });
      const { events, failed } = await build(p, failing);
      const context = `seed ${seed}, round ${round}, k ${k}, stuck ${stuck}`;
      for (const [name, imageRefs] of Object.entries(all)) {
        const built = events.find((e) => e.type === 'built' && e.image === name) as { id: string } | undefined;
        const error = failed.get(name);
        const moved = /and not put back: ([^;]+);/.exec(error ?? '')?.[1]?.split(', ') ?? [];
        for (const ref of imageRefs) {
          const now = (await engine.inspectImage(ref))?.Id;
          if (built) expect(now, `${context}: ${ref} of a built image`).toBe(built.id);
          else if (moved.includes(ref)) expect(now, `${context}: ${ref} reported moved`).not.toBe(previous.get(ref));
          else expect(now, `${context}: ${ref} of a failed image (${error}) is back`).toBe(previous.get(ref));
        }
      }
    }
  }, 300_000);
});
