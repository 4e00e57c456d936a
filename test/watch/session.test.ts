import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadProject } from '../../src/config/index.js';
import type { Project } from '../../src/model/project.js';
import type { BuildEvent } from '../../src/run/events.js';
import { watchImages, type RunRound } from '../../src/watch/watch.js';
import { tempProject, type TempProject } from '../helpers/project.js';
import { monorepo } from './fixtures.js';
import { sleep } from './watch-process.js';

// The state machine with a fake watcher and fake rounds: which changes abort a round, which wait.
let project: TempProject;
let loaded: Project;
beforeAll(async () => {
  project = await tempProject(monorepo);
  const result = await loadProject({ file: join(project.root, 'images.yaml'), vars: {}, sets: [], env: {}, cwd: project.root });
  if (!result.ok) throw new Error('load');
  loaded = result.value;
});
afterAll(() => project.remove());

it('restarts only the changed images of a running round, and aborts the whole round for the manifest', async () => {
  const stop = new AbortController();
  let change: (file: string) => void = () => undefined;
  const rounds: { round: number; images: string[]; aborted: boolean; restarted: string[] }[] = [];
  let release: () => void = () => undefined;
  const build: RunRound = async ({ resolved, round, signal, sink, imageSignal }) => {
    const entry = { round, images: resolved.graph.order, aborted: false, restarted: [] as string[] };
    rounds.push(entry);
    // `lib` finishes at once; the rest wait until released, restarted, or the round is aborted.
    const released = new Promise<void>((resolve) => (release = resolve));
    const waits = resolved.graph.order.map(async (image) => {
      if (image === 'lib') return sink.emit({ type: 'built', time: 0, round, image, id: 'x', key: 'k', durationMs: 1 });
      const own = imageSignal(image);
      await Promise.race([released, ...[own, signal].map((s) => new Promise((resolve) => s.addEventListener('abort', resolve, { once: true })))]);
      if (own.aborted) {
        entry.restarted.push(image);
        sink.emit({ type: 'skipped', time: 0, round, image, reason: 'restarted: its inputs changed' });
      }
    });
    await Promise.all(waits);
    entry.aborted = signal.aborted;
    sink.emit({ type: 'done', time: 0, round, counts: { built: 0, cached: 0, failed: 0, skipped: 0, pushed: 0 }, durationMs: 0, savedMs: 0 });
    return { interrupted: signal.aborted };
  };
  const events: BuildEvent[] = [];
  const notes: string[] = [];
  const running = watchImages({
    load: async () => loaded,
    selection: ['lib', 'other'],
    build,
    sink: { emit: (e) => events.push(e) },
    debounceMs: 20,
    signal: stop.signal,
    notify: (m) => notes.push(m),
    reportError: (e) => {
      throw e;
    },
    watchFiles: async (_targets, onChange) => {
      change = onChange;
      return { close: async () => undefined };
    },
  });
  await sleep(50);
  expect(rounds).toMatchObject([{ round: 1, images: ['lib', 'other'] }]);

  change(join(project.root, 'lib/lib.txt')); // lib is finished in round 1: nothing restarts
  await sleep(80);
  expect(rounds[0]!.restarted).toEqual([]);
  expect(rounds).toHaveLength(1);

  change(join(project.root, 'other/other.txt')); // other is still building: only it restarts
  await sleep(80);
  expect(rounds[0]).toMatchObject({ aborted: false, restarted: ['other'] });
  expect(notes).toContain('round 1: restarting other (inputs changed)');
  // Round 2: the pending lib change and the restarted other.
  expect(rounds[1]).toMatchObject({ round: 2, images: ['lib', 'other'] });

  change(join(project.root, 'images.yaml')); // the manifest: the whole round aborts
  await sleep(80);
  expect(rounds[1]).toMatchObject({ aborted: true, restarted: [] });
  expect(rounds[2]).toMatchObject({ round: 3, images: ['lib', 'other'] });

  release();
  await sleep(80);
  change(join(project.root, 'app/debug.log')); // .dockerignore'd (and app is not watched anyway)
  await sleep(80);
  expect(rounds).toHaveLength(3);

  stop.abort();
  await running;
  expect(events.filter((e) => e.type === 'done').map((e) => e.round)).toEqual([1, 2, 3]);
  expect(events.filter((e) => e.type === 'skipped').map((e) => [e.round, e.image])).toEqual([[1, 'other']]);
});

it('cuts each round from the resolved graph and keeps walks of contexts no change touched', async () => {
  const stop = new AbortController();
  let change: (file: string) => void = () => undefined;
  const seen: { images: string[]; remembered: string[] }[] = [];
  let prefetches = 0;
  const walked = (name: string) => ({ entries: [], digest: { digest: `sha256:${name}`, files: new Map(), entries: new Map(), read: 0, hashedAt: new Date(0) } });
  const build: RunRound = async ({ resolved, round, sink, contexts }) => {
    seen.push({ images: resolved.graph.order, remembered: [...contexts.keys()].sort() });
    for (const name of resolved.graph.order) if (!contexts.has(name)) contexts.set(name, walked(name));
    sink.emit({ type: 'done', time: 0, round, counts: { built: 0, cached: 0, failed: 0, skipped: 0, pushed: 0 }, durationMs: 0, savedMs: 0 });
    return { interrupted: false };
  };
  const running = watchImages({
    load: async () => loaded,
    selection: [],
    build,
    sink: { emit: () => undefined },
    debounceMs: 20,
    signal: stop.signal,
    prefetch: () => prefetches++,
    reportError: (e) => {
      throw e;
    },
    watchFiles: async (_targets, onChange) => {
      change = onChange;
      return { close: async () => undefined };
    },
  });
  await sleep(50);
  expect(seen).toEqual([{ images: ['lib', 'other', 'app'], remembered: [] }]);

  change(join(project.root, 'app/app.txt'));
  await sleep(80);
  // app and its dependency lib (for app's key); only app's walk is forgotten; the listing was prefetched.
  expect(seen[1]).toEqual({ images: ['lib', 'app'], remembered: ['lib', 'other'] });
  expect(prefetches).toBe(1);

  change(join(project.root, 'app/notes/todo.md')); // watch.ignore: no round, but app's walk is stale
  change(join(project.root, 'lib/lib.txt')); // lib and its dependent app
  await sleep(80);
  expect(seen[2]).toEqual({ images: ['lib', 'app'], remembered: ['other'] });

  change(join(project.root, 'images.yaml')); // the manifest: everything again, nothing remembered
  await sleep(80);
  expect(seen[3]).toEqual({ images: ['lib', 'other', 'app'], remembered: [] });

  stop.abort();
  await running;
});
