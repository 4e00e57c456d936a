import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../src/config/index.js';
import { resolveGraph } from '../../src/plan/resolve-graph.js';
import { withDependents } from '../../src/watch/affected.js';
import { createWatchSet, type WatchSet } from '../../src/watch/watch-set.js';
import type { BuildGraph } from '../../src/plan/graph.js';
import { tempProject, type TempProject } from '../helpers/project.js';
import { monorepo } from './fixtures.js';

describe('watch set: which images a changed path affects', () => {
  let project: TempProject;
  let graph: BuildGraph;
  let set: WatchSet;
  const at = (p: string) => join(project.root, p);

  beforeAll(async () => {
    project = await tempProject({ ...monorepo, 'app/node_modules/x/index.js': 'x', 'lib/Dockerfile.dockerignore': 'tmp\n' });
    const loaded = await loadProject({ file: at('images.yaml'), vars: {}, sets: [], env: {}, cwd: project.root });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
    const resolved = await resolveGraph(loaded.value);
    if (!resolved.ok) throw new Error(JSON.stringify(resolved.error));
    graph = resolved.value.graph;
    set = await createWatchSet(graph);
  });
  afterAll(() => project.remove());

  it('maps a context file to its image, and adds dependents', () => {
    expect(set.classify(at('lib/lib.txt'))).toEqual({ manifest: false, images: ['lib'], contexts: ['lib'], structure: false, ignoreRules: false });
    expect(withDependents(graph, ['lib'])).toEqual(['lib', 'app']);
    expect(withDependents(graph, ['other'])).toEqual(['other']);
  });

  it('ignores .dockerignore\'d files, watch.ignore globs and kiln\'s state folder', () => {
    expect(set.classify(at('app/debug.log')).images).toEqual([]);
    expect(set.classify(at('app/notes/todo.md')).images).toEqual([]);
    // It triggers nothing, but app's remembered walk and hash are out of date.
    expect(set.classify(at('app/notes/todo.md')).contexts).toEqual(['app']);
    expect(set.classify(at('lib/tmp')).images).toEqual([]);
    expect(set.classify(at('.kiln/cache/hashes.json')).images).toEqual([]);
  });

  it('marks Dockerfiles, ignore files and the manifest as structure changes', () => {
    expect(set.classify(at('app/Dockerfile'))).toMatchObject({ images: ['app'], structure: true, ignoreRules: false });
    expect(set.classify(at('app/.dockerignore'))).toMatchObject({ images: ['app'], structure: true, ignoreRules: true });
    expect(set.classify(at('images.yaml'))).toMatchObject({ manifest: true, images: [] });
  });

  it('maps kiln.lock to the images that build on an external base (their dependents follow)', () => {
    expect(set.classify(at('kiln.lock'))).toEqual({ manifest: false, images: ['lib', 'other'], contexts: [], structure: false, ignoreRules: false });
    expect(set.skip(at('kiln.lock'))).toBe(false);
    expect(set.paths).toContain(at('kiln.lock'));
  });

  it('lets the watcher skip ignored folders but never what it must see', () => {
    expect(set.skip(at('.kiln'))).toBe(true);
    expect(set.skip(at('lib/tmp'))).toBe(true);
    expect(set.skip(at('app/notes'))).toBe(false); // watch.ignore only stops triggers; the files are in the context
    expect(set.skip(project.root)).toBe(false);
    expect(set.skip(at('app/.dockerignore'))).toBe(false);
    expect(set.skip(at('images.yaml'))).toBe(false);
  });
});
