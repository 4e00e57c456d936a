import { afterEach, describe, expect, test } from 'vitest';
import { loadProject } from '../../src/config/index.js';
import type { Project } from '../../src/model/project.js';
import { resolveGraph } from '../../src/plan/resolve-graph.js';
import { selectImages } from '../../src/plan/select.js';
import { toWaves } from '../../src/plan/waves.js';
import { tempProject, type TempProject } from '../helpers/project.js';
import { monorepoFiles } from './monorepo.js';

let project: TempProject | undefined;
afterEach(async () => {
  await project?.remove();
  project = undefined;
});

async function load(files: Record<string, string>): Promise<{ project: Project; id: string }> {
  project = await tempProject(files);
  const loaded = await loadProject({ file: `${project.root}/images.yaml`, cwd: project.root, vars: {}, sets: [], env: {} });
  if (!loaded.ok) throw new Error(loaded.error.map((d) => d.message).join('\n'));
  return { project: loaded.value, id: project.id };
}

describe('resolveGraph over a monorepo', () => {
  test('infers edges from FROM (ARG-expanded), COPY --from, RUN --mount from= and depends_on', async () => {
    const { project: p, id } = await load(monorepoFiles);
    const resolved = await resolveGraph(p);
    if (!resolved.ok) throw new Error(resolved.error[0]?.message);
    const { graph } = resolved.value;
    const edges = (name: string) =>
      graph.nodes.get(name)!.edges.map((e) => `${e.dependency} ${e.kind} ${e.ref ?? '-'} ${e.location.file.slice(p.root.length + 1)}:${e.location.line}`);
    expect(edges('base')).toEqual([]);
    // Global ARG default (REGISTRY) and the manifest's override of BASE_TAG (v0 → latest).
    expect(edges('api')).toEqual([`base from 127.0.0.1:5000/${id}/base:latest services/api/Dockerfile:3`, `proto copy-from docker.io/${id}/proto:latest services/api/Dockerfile:4`]);
    expect(edges('worker')).toEqual([`base from 127.0.0.1:5000/${id}/base services/worker/Dockerfile:1`, `proto mount-from ${id}/proto services/worker/Dockerfile:2`]);
    // The Dockerfile lives outside its context.
    expect(edges('tools')).toEqual([`proto copy-from ${id}/proto docker/tools.Dockerfile:2`]);
    // target slim skips the stage FROM api: only the depends_on edge remains.
    expect(edges('admin')).toEqual(['proto depends_on - images.yaml:24']);
    expect(graph.nodes.get('admin')!.externalBases).toEqual(['busybox:latest']);
    // A published build of its own repository, pinned by digest, is an external image, not a self-edge.
    expect(graph.nodes.get('base')!.externalBases).toEqual(['busybox:latest', `127.0.0.1:5000/${id}/base@sha256:3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f`]);
    expect(graph.nodes.get('proto')!.dependents).toEqual(['api', 'worker', 'tools', 'admin']);
    expect(graph.waves).toEqual([['base', 'proto'], ['api', 'worker', 'tools', 'admin']]);
    expect(graph.order).toEqual(['base', 'proto', 'api', 'worker', 'tools', 'admin']);
  });

  test('selection: named images and groups (of groups) plus everything they need, in manifest order', async () => {
    const { project: p } = await load(monorepoFiles);
    const names = async (selection: string[]) => {
      const r = await resolveGraph(p, { selection });
      if (!r.ok) throw new Error(r.error[0]?.message);
      return r.value.graph.waves;
    };
    expect(await names(['api'])).toEqual([['base', 'proto'], ['api']]);
    expect(await names(['backend'])).toEqual([['base', 'proto'], ['api', 'worker']]);
    expect(await names(['everything'])).toEqual([['base', 'proto'], ['api', 'worker', 'tools']]);
    expect(await names(['admin', 'base'])).toEqual([['base', 'proto'], ['admin']]);
    expect(await names(['proto'])).toEqual([['proto']]);
  });

  test('an unknown selection name is a usage error with a suggestion', async () => {
    const { project: p } = await load(monorepoFiles);
    const r = await resolveGraph(p, { selection: ['backnd', 'zzz'] });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.map((d) => [d.kind, d.message, d.hint])).toEqual([
      ['usage', '"backnd" is neither an image nor a group of images.yaml', 'did you mean "backend"?'],
      ['usage', '"zzz" is neither an image nor a group of images.yaml', 'known: base, proto, api, worker, tools, admin, backend, everything'],
    ]);
  });
});

describe('waves and selection (pure)', () => {
  test('toWaves keeps manifest order inside a wave and handles diamonds', () => {
    const deps: Record<string, string[]> = { a: [], b: ['a'], c: ['a'], d: ['b', 'c'], e: [] };
    expect(toWaves(Object.keys(deps), (n) => deps[n]!)).toEqual([['a', 'e'], ['b', 'c'], ['d']]);
  });

  test('toWaves ignores dependencies outside the names', () => {
    expect(toWaves(['b'], () => ['a'])).toEqual([['b']]);
  });

  test('selectImages follows groups that contain each other without looping', () => {
    const project = {
      file: '/p/images.yaml',
      root: '/p',
      images: new Map([['a', {}], ['b', {}]]),
      groups: new Map([
        ['g1', { members: ['a', 'g2'] }],
        ['g2', { members: ['g1', 'b'] }],
      ]),
    } as unknown as Project;
    const nodes = new Map([['a', { dependencies: [] }], ['b', { dependencies: ['a'] }]]);
    const r = selectImages(project, nodes, ['g2']);
    expect(r.ok && [...r.value].sort()).toEqual(['a', 'b']);
  });
});
