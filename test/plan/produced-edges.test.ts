import { afterEach, describe, expect, test } from 'vitest';
import { loadProject } from '../../src/config/index.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import type { ResolvedGraph } from '../../src/plan/resolve-graph.js';
import { resolveGraph } from '../../src/plan/resolve-graph.js';
import type { Result } from '../../src/util/result.js';
import { tempProject, type TempProject } from '../helpers/project.js';
import { dockerLibraryFiles, dockerLibraryGraph } from './docker-library.js';

let made: TempProject[] = [];
afterEach(async () => {
  await Promise.all(made.map((p) => p.remove()));
  made = [];
});

const DIGEST = `sha256:${'ab'.repeat(32)}`;

/** Loads `files` as a project (with `--var` / `--set`) and resolves its graph; load problems fail the same way. */
async function resolve(files: Record<string, string>, options: { vars?: Record<string, string>; sets?: string[] } = {}): Promise<{ result: Result<ResolvedGraph, Diagnostic[]>; id: string; root: string }> {
  const project = await tempProject(files);
  made.push(project);
  const loaded = await loadProject({ file: `${project.root}/images.yaml`, cwd: project.root, vars: options.vars ?? {}, sets: options.sets ?? [], env: {} });
  const result = loaded.ok ? await resolveGraph(loaded.value) : loaded;
  return { result, id: project.id, root: project.root };
}

/** Each image's edges as `dependency kind ref`. */
function edgesOf(resolved: ResolvedGraph): Record<string, string[]> {
  return Object.fromEntries([...resolved.graph.nodes].map(([name, node]) => [name, node.edges.map((e) => `${e.dependency} ${e.kind} ${e.ref ?? '-'}`)]));
}

/** The problems as `file:line:col message`, paths relative to the project. */
function problemsOf(result: Result<ResolvedGraph, Diagnostic[]>, root: string): string[] {
  if (result.ok) throw new Error(`expected problems, got a graph: ${JSON.stringify(edgesOf(result.value))}`);
  return result.error.map((d) => `${d.location ? `${d.location.file.slice(root.length + 1)}:${d.location.line}:${d.location.column} ` : ''}${d.message}`);
}

function graphOf(result: Result<ResolvedGraph, Diagnostic[]>): ResolvedGraph {
  if (!result.ok) throw new Error(result.error.map((d) => d.message).join('\n'));
  return result.value;
}

/** A manifest of images `name: { context: name, ...fields }` (YAML flow maps), with `Dockerfile`s. */
function project(images: Record<string, { fields?: string; dockerfile: string }>): Record<string, string> {
  const files: Record<string, string> = {
    'images.yaml': ['version: 1', 'name: "{{id}}"', 'images:', ...Object.entries(images).map(([name, i]) => `  ${name}: { context: ${name}${i.fields ? `, ${i.fields}` : ''} }`), ''].join('\n'),
  };
  for (const [name, i] of Object.entries(images)) files[`${name}/Dockerfile`] = i.dockerfile;
  return files;
}

describe('the docker-library layout: variants of one repository, each FROM the previous', () => {
  test('edges follow the tags, not the last image of the repository; the order and bases follow', async () => {
    const registry = '127.0.0.1:5000/{{id}}';
    const { result, id } = await resolve(dockerLibraryFiles({ registry, base: 'busybox:latest' }));
    const graph = graphOf(result);
    const expected = dockerLibraryGraph({ registry: `127.0.0.1:5000/${id}`, base: 'busybox:latest' });
    expect(edgesOf(graph)).toEqual(expected.edges);
    expect(Object.fromEntries([...graph.graph.nodes].map(([n, node]) => [n, node.externalBases]))).toEqual(expected.externalBases);
    expect(graph.graph.waves).toEqual(expected.waves);
  });

  test('a tag no variant produces is an error at the Dockerfile reference that names the tags produced', async () => {
    const files = dockerLibraryFiles({ registry: '127.0.0.1:5000/{{id}}', base: 'busybox:latest' });
    const { result, root, id } = await resolve({ ...files, 'main/Dockerfile': files['main/Dockerfile']! }, { vars: { NGINX: '1.28' } });
    if (result.ok) throw new Error('expected an error');
    const [d] = result.error;
    expect(result.error).toHaveLength(1);
    expect(problemsOf(result, root)).toEqual([
      `perl/Dockerfile:2:6 FROM 127.0.0.1:5000/${id}/nginx:1.27: no image of the manifest produces "127.0.0.1:5000/${id}/nginx:1.27"; the manifest's 127.0.0.1:5000/${id}/nginx images produce 1.27-perl and perl (image "perl"), 1.28 and latest (image "main"), 1.27-slim (image "slim"), 1.27-alpine (image "alpine")`,
    ]);
    expect(d?.kind).toBe('usage');
    expect(d?.location).toMatchObject({ line: 2, column: 6, endLine: 2, endColumn: 13 });
    expect(d?.hint).toBe(`Did you mean "127.0.0.1:5000/${id}/nginx:1.28"? Name a tag the manifest produces, or, for a published build of 127.0.0.1:5000/${id}/nginx, pin it by digest (127.0.0.1:5000/${id}/nginx@sha256:…).`);
    expect(d?.related?.map((r) => `${r.location.file.slice(root.length + 1)}:${r.location.line}:${r.location.column} ${r.message}`)).toEqual([
      `images.yaml:13:12 image "main" produces "127.0.0.1:5000/${id}/nginx:1.28" here`,
    ]);
  });
});

describe('edges are exact produced references', () => {
  test('an image without tags produces :latest, which a reference without a tag means', async () => {
    const { result } = await resolve(
      project({
        base: { fields: 'repository: acme/base', dockerfile: 'FROM busybox\n' },
        a: { dockerfile: 'FROM acme/base\n' },
        b: { dockerfile: 'FROM docker.io/acme/base:latest\n' },
      }),
    );
    expect(edgesOf(graphOf(result))).toEqual({ base: [], a: ['base from acme/base'], b: ['base from docker.io/acme/base:latest'] });
  });

  test('an image with no tags at all produces nothing: its repository is still the manifest\'s', async () => {
    const { result, root } = await resolve(
      project({
        base: { fields: 'repository: acme/base, tags: []', dockerfile: 'FROM busybox\n' },
        a: { dockerfile: 'FROM acme/base\n' },
      }),
    );
    expect(problemsOf(result, root)).toEqual([
      'a/Dockerfile:1:6 FROM acme/base: no image of the manifest produces "acme/base:latest" (no tag means latest); the manifest\'s acme/base images produce no tags (image "base")',
    ]);
  });

  test('interpolated tags, --var and --set decide the produced references', async () => {
    const files = project({
      base: { fields: 'repository: acme/base, tags: ["${VERSION:-dev}"]', dockerfile: 'FROM busybox\n' },
      a: { dockerfile: 'FROM acme/base:dev\n' },
    });
    expect(edgesOf(graphOf((await resolve(files)).result))['a']).toEqual(['base from acme/base:dev']);
    const withVar = await resolve(files, { vars: { VERSION: '2.0' } });
    expect(problemsOf(withVar.result, withVar.root)).toEqual([
      'a/Dockerfile:1:6 FROM acme/base:dev: no image of the manifest produces "acme/base:dev"; the manifest\'s acme/base images produce 2.0 (image "base")',
    ]);
    const withSet = await resolve({ ...files, 'a/Dockerfile': 'FROM acme/base:rc\n' }, { sets: ['base.tags=rc,latest'] });
    expect(edgesOf(graphOf(withSet.result))['a']).toEqual(['base from acme/base:rc']);
  });

  test('COPY --from and RUN --mount from= name a variant by its tag; depends_on edges are unaffected', async () => {
    const { result } = await resolve(
      project({
        one: { fields: 'repository: acme/lib, tags: ["1"]', dockerfile: 'FROM busybox\n' },
        two: { fields: 'repository: acme/lib, tags: ["2"]', dockerfile: 'FROM busybox\n' },
        tool: { dockerfile: 'FROM busybox\n' },
        app: {
          fields: 'depends_on: [tool]',
          dockerfile: 'FROM busybox\nCOPY --link --from=acme/lib:2 /a /a\nRUN --mount=type=bind,from=docker.io/acme/lib:1,target=/m true\n',
        },
      }),
    );
    expect(edgesOf(graphOf(result))['app']).toEqual(['two copy-from acme/lib:2', 'one mount-from docker.io/acme/lib:1', 'tool depends_on -']);
  });

  test('a stage named like a manifest image is the stage, in COPY --from, mount from= and FROM', async () => {
    const { result } = await resolve(
      project({
        nginx: { fields: 'repository: nginx, tags: ["1"]', dockerfile: 'FROM busybox\n' },
        app: { dockerfile: 'FROM busybox AS nginx\nFROM nginx AS two\nCOPY --from=nginx /a /a\nRUN --mount=from=nginx,target=/m true\n' },
      }),
    );
    const graph = graphOf(result);
    expect(edgesOf(graph)['app']).toEqual([]);
    expect(graph.graph.nodes.get('app')!.externalBases).toEqual(['busybox']);
  });

  test('ARG-expanded and --platform FROMs match by their expanded tag', async () => {
    const { result } = await resolve(
      project({
        a: { fields: 'repository: acme/x, tags: [amd]', dockerfile: 'FROM busybox\n' },
        b: { fields: 'repository: acme/x, tags: [arm]', dockerfile: 'FROM busybox\n' },
        app: { fields: 'args: { FLAVOUR: arm }', dockerfile: 'ARG FLAVOUR=amd\nFROM --platform=$BUILDPLATFORM acme/x:${FLAVOUR} AS build\nFROM --platform=linux/amd64 acme/x:amd\nCOPY --from=build /a /a\n' },
      }),
    );
    expect(edgesOf(graphOf(result))['app']).toEqual(['b from acme/x:arm', 'a from acme/x:amd']);
  });

  test('a build arg from --set moves an ARG-expanded FROM to another variant, or onto the image itself', async () => {
    const files = project({
      slim: { fields: 'repository: acme/nginx, tags: [slim]', dockerfile: 'FROM busybox\n' },
      main: { fields: 'repository: acme/nginx, tags: [main], args: { FLAVOUR: slim }', dockerfile: 'ARG FLAVOUR\nFROM acme/nginx:${FLAVOUR}\n' },
    });
    expect(edgesOf(graphOf((await resolve(files)).result))['main']).toEqual(['slim from acme/nginx:slim']);
    const onItself = await resolve(files, { sets: ['main.args.FLAVOUR=main'] });
    expect(problemsOf(onItself.result, onItself.root)).toEqual(['main/Dockerfile:2:6 image "main" is its own base: FROM acme/nginx:main names its own tag "main"']);
  });

  test('a digest is an external image, with or without a tag; another registry host is another repository', async () => {
    const { result } = await resolve(
      project({
        x: { fields: 'repository: acme/x', dockerfile: 'FROM busybox\n' },
        app: { dockerfile: `FROM acme/x@${DIGEST}\nCOPY --from=acme/x:latest@${DIGEST} /a /a\nCOPY --from=127.0.0.1:5000/acme/x:latest /b /b\n` },
      }),
    );
    const graph = graphOf(result);
    expect(edgesOf(graph)['app']).toEqual([]);
    expect(graph.graph.nodes.get('app')!.externalBases).toEqual([`acme/x@${DIGEST}`, `acme/x:latest@${DIGEST}`, '127.0.0.1:5000/acme/x:latest']);
  });

  test('two images producing one reference, however spelled, is an error', async () => {
    const { result, root } = await resolve(
      project({
        a: { fields: 'repository: acme/x, tags: ["1"]', dockerfile: 'FROM busybox\n' },
        b: { fields: 'repository: docker.io/acme/x, tags: ["2", "1"]', dockerfile: 'FROM busybox\n' },
        c: { fields: 'repository: library/busybox2', dockerfile: 'FROM busybox\n' },
        d: { fields: 'repository: busybox2', dockerfile: 'FROM busybox\n' },
      }),
    );
    expect(problemsOf(result, root)).toEqual([
      'images.yaml:5:62 images "a" and "b" both produce "docker.io/acme/x:1"',
      // Neither wrote a tag: the error is at the image.
      'images.yaml:7:3 images "c" and "d" both produce "busybox2:latest"',
    ]);
  });
});

describe('an image that is its own base is refused', () => {
  const self = (dockerfile: string, fields = 'repository: acme/x, tags: [latest, "1"]') => project({ x: { fields, dockerfile } });

  test.each([
    ['FROM', 'FROM acme/x:latest\n', 'x/Dockerfile:1:6 image "x" is its own base: FROM acme/x:latest names its own tag "latest"'],
    ['FROM without a tag', 'FROM docker.io/acme/x\n', 'x/Dockerfile:1:6 image "x" is its own base: FROM docker.io/acme/x names its own tag "latest"'],
    ['COPY --from', 'FROM busybox\nCOPY --from=acme/x:1 /a /a\n', 'x/Dockerfile:2:13 image "x" is its own base: COPY --from=acme/x:1 names its own tag "1"'],
    ['RUN --mount from=', 'FROM busybox\nRUN --mount=type=bind,target=/m,from=acme/x:1 true\n', 'x/Dockerfile:2:38 image "x" is its own base: RUN --mount from=acme/x:1 names its own tag "1"'],
    ['an ARG-expanded FROM', 'ARG T=1\nFROM acme/x:$T\n', 'x/Dockerfile:2:6 image "x" is its own base: FROM acme/x:1 names its own tag "1"'],
  ])('through %s', async (_what, dockerfile, expected) => {
    const { result, root } = await resolve(self(dockerfile));
    expect(problemsOf(result, root)).toEqual([expected]);
    if (result.ok) return;
    expect(result.error[0]?.hint).toBe('A build cannot start from its own result: use another repository, a tag of another manifest image (a separate base image), or a published build pinned by digest (acme/x@sha256:…).');
  });

  test('named busybox, it would overwrite the shared base: refused, pointing at its tag too', async () => {
    const { result, root } = await resolve(self('FROM busybox:latest\n', 'repository: busybox'));
    expect(problemsOf(result, root)).toEqual(['x/Dockerfile:1:6 image "x" is its own base: FROM busybox:latest names its own tag "latest"']);
    // No tags written: the default tag has no location, so no note.
    expect(!result.ok && result.error[0]?.related).toBeUndefined();
  });

  test('only through an interpolated or --set tag', async () => {
    const files = self('FROM acme/x:rc\n', 'repository: acme/x, tags: ["${CHANNEL:-stable}"]');
    const interpolated = await resolve(files, { vars: { CHANNEL: 'rc' } });
    expect(problemsOf(interpolated.result, interpolated.root)).toEqual(['x/Dockerfile:1:6 image "x" is its own base: FROM acme/x:rc names its own tag "rc" (from "${CHANNEL:-stable}")']);
    expect(!interpolated.result.ok && interpolated.result.error[0]?.related?.map((r) => `${r.location.line}:${r.location.column} ${r.message}`)).toEqual(['4:47 image "x" produces "acme/x:rc" here']);
    const set = await resolve(files, { sets: ['x.tags=rc'] });
    expect(problemsOf(set.result, set.root)).toEqual(['x/Dockerfile:1:6 image "x" is its own base: FROM acme/x:rc names its own tag "rc"']);
    // Without either, acme/x:rc is a tag nobody produces.
    expect(problemsOf((await resolve(files)).result, '')[0]).toContain('no image of the manifest produces "acme/x:rc"');
  });

  test('a stage the target does not need does not count', async () => {
    const { result } = await resolve(self('FROM acme/x:latest AS old\nFROM busybox AS slim\n', 'repository: acme/x, target: slim'));
    expect(edgesOf(graphOf(result))).toEqual({ x: [] });
  });
});
