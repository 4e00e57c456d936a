import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImages } from '../../src/build/build.js';
import { loadProject } from '../../src/config/index.js';
import { resolveGraph } from '../../src/plan/resolve-graph.js';
import type { BuildEvent } from '../../src/run/events.js';
import { tempProject, type TempProject } from '../helpers/project.js';
import { countingEngine, realEngine, services } from '../helpers/services.js';
import { buildJson, builders, eventOf, lifecycle, monorepo, outcomes, removeProjectImages } from './fixture.js';

describe.each(builders)('kiln build on a monorepo (%s builder, real engine)', (builder) => {
  const engine = realEngine();
  let project: TempProject;
  let registry: string;
  const build = (args: string[] = []) => buildJson(project, ['--builder', builder, ...args]);

  beforeAll(async () => {
    project = await tempProject(monorepo());
    registry = `${services().registry}/${project.id}`;
  });
  afterAll(async () => {
    await removeProjectImages(engine, project.id);
    await project.remove();
    await engine.close();
  });

  it('builds every image on the first run, dependencies first, labelled and tagged', async () => {
    const { code, events, stderr } = await build();
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(events[0]).toMatchObject({ type: 'plan', order: [['base', 'lib', 'tool'], ['app']] });
    expect(outcomes(events)).toEqual({ base: 'built', lib: 'built', tool: 'built', app: 'built' });
    for (const image of ['base', 'lib', 'tool', 'app']) {
      expect(lifecycle(events, image)).toEqual(['queued', 'start', 'built']);
      expect(eventOf(events, 'start', image)?.reasons.map((r) => r.kind)).toEqual(['new']);
    }
    // app starts only after both of its dependencies were built (and tagged).
    const at = (type: string, image: string) => events.findIndex((e) => e.type === type && 'image' in e && e.image === image);
    expect(at('start', 'app')).toBeGreaterThan(at('built', 'base'));
    expect(at('start', 'app')).toBeGreaterThan(at('built', 'lib'));
    expect(events.at(-1)).toMatchObject({ type: 'done', counts: { built: 4, cached: 0, failed: 0, skipped: 0 } });

    const app = await engine.inspectImage(`${registry}/app:latest`);
    expect(app?.Id).toBe(eventOf(events, 'built', 'app')?.id);
    expect(app?.Config?.Labels).toMatchObject({ 'dev.kiln.image': 'app', 'dev.kiln.key': eventOf(events, 'built', 'app')?.key, 'dev.kiln.project': project.id });
    // The RUN of app printed what it got from base (motd) and lib (COPY --from): the edges were honoured.
    const appLogs = events.filter((e) => e.type === 'log' && e.image === 'app').map((e) => (e as { line: string }).line);
    expect(appLogs).toEqual(expect.arrayContaining(['v1', 'echo lib v1', `echo app v1 # ${project.id}`]));
  });

  it('sends nothing to the engine on a second run: the project listing and one base inspect, no build call', async () => {
    const loaded = await loadProject({ file: `${project.root}/images.yaml`, vars: {}, sets: [], env: {}, cwd: project.root });
    if (!loaded.ok) throw new Error('manifest did not load');
    const resolved = await resolveGraph(loaded.value, { selection: [] });
    if (!resolved.ok) throw new Error('graph did not resolve');
    const counting = countingEngine(engine);
    const events: BuildEvent[] = [];
    const result = await buildImages({ resolved: resolved.value, engine: counting.engine, sink: { emit: (e) => events.push(e) }, signal: new AbortController().signal, credentials: { getAuth: async () => undefined }, builder });
    expect(result.counts).toMatchObject({ built: 0, cached: 4, failed: 0, skipped: 0 });
    // The project's images by label, and the one external base (busybox) by an inspect.
    expect(counting.calls).toEqual({ info: 1, listImages: 1, inspectImage: 1 });
    expect(events.map((e) => e.type).filter((t) => t !== 'queued')).toEqual(['plan', 'cached', 'cached', 'cached', 'cached', 'done']);
    expect(events.some((e) => e.type === 'start' || e.type === 'step' || e.type === 'log')).toBe(false);
  });

  it('rebuilds nothing when only files .dockerignore excludes change', async () => {
    await project.write({ 'services/app/README.md': 'edited\n', 'services/app/tmp/scratch.txt': 'new\n' });
    const { code, events } = await build();
    expect(code).toBe(0);
    expect(outcomes(events)).toEqual({ base: 'cached', lib: 'cached', tool: 'cached', app: 'cached' });
  });

  it('rebuilds a changed base and its dependents only', async () => {
    await project.write({ 'images/base/motd': 'v2\n' });
    const { code, events } = await build();
    expect(code).toBe(0);
    expect(outcomes(events)).toEqual({ base: 'built', lib: 'cached', tool: 'cached', app: 'built' });
    expect(eventOf(events, 'start', 'base')?.reasons).toEqual([{ kind: 'file', detail: 'file motd changed' }]);
    expect(eventOf(events, 'start', 'app')?.reasons.map((r) => r.kind)).toEqual(['dependency']);
    const appLogs = events.filter((e) => e.type === 'log' && e.image === 'app').map((e) => (e as { line: string }).line);
    expect(appLogs).toContain('v2');
  });

  it('rebuilds a library copied with COPY --from and the images copying from it', async () => {
    await project.write({ 'libs/lib/lib.sh': 'echo lib v2\n' });
    const { events } = await build();
    expect(outcomes(events)).toEqual({ base: 'cached', lib: 'built', tool: 'cached', app: 'built' });
    const appLogs = events.filter((e) => e.type === 'log' && e.image === 'app').map((e) => (e as { line: string }).line);
    expect(appLogs).toContain('echo lib v2');
  });

  it('rebuilds only a changed leaf', async () => {
    await project.write({ 'services/app/src/main.sh': 'echo app v2 # {{id}}\n' });
    const { events } = await build();
    expect(outcomes(events)).toEqual({ base: 'cached', lib: 'cached', tool: 'cached', app: 'built' });
    expect(eventOf(events, 'start', 'app')?.reasons).toEqual([{ kind: 'file', detail: 'file src/main.sh changed' }]);
  });

  it('re-applies a missing tag on a whole-image skip without building', async () => {
    const before = await engine.inspectImage(`${registry}/tool:latest`);
    // Someone moved the tag away (onto another image of this project, never the shared base image):
    // the kiln-built image is still there, untagged.
    await engine.tag(`${registry}/base:latest`, `${registry}/tool`, 'latest');
    expect((await engine.inspectImage(`${registry}/tool:latest`))?.Id).not.toBe(before?.Id);
    const { events } = await build(['tool']);
    expect(outcomes(events)).toEqual({ tool: 'cached' });
    expect((await engine.inspectImage(`${registry}/tool:latest`))?.Id).toBe(before?.Id);
  });

  it('attributes every step to its own image (no leaks between concurrent builds)', async () => {
    const { events } = await build(['--no-cache', '--concurrency', '4']);
    expect(outcomes(events)).toEqual({ base: 'built', lib: 'built', tool: 'built', app: 'built' });
    const stepsOf = (image: string) => events.filter((e) => e.type === 'step' && e.image === image).map((e) => (e as { name: string }).name);
    expect(stepsOf('tool').some((s) => /base-ran|lib-ran|COPY/.test(s))).toBe(false);
    expect(stepsOf('base').some((s) => /tool-ran|lib-ran|lib\.sh/.test(s))).toBe(false);
    expect(stepsOf('lib').some((s) => /tool-ran|base-ran|motd/.test(s))).toBe(false);
    // One `built` per image, and each RUN of an image shown for that image.
    expect(stepsOf('tool').some((s) => s.includes('RUN echo tool-ran'))).toBe(true);
  });
});
