import { afterEach, describe, expect, test } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { tempProject, type TempProject } from '../helpers/project.js';
import { dockerLibraryFiles, dockerLibraryGraph } from '../plan/docker-library.js';

const made: TempProject[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((p) => p.remove()));
});

/** Runs `kiln ...args` in a fresh project of `files`; the project id reads `ID` in the output. */
async function kiln(files: Record<string, string>, ...args: string[]): Promise<CliResult> {
  const project = await tempProject(files);
  made.push(project);
  const r = await runCli(args, { cwd: project.root, env: { NGINX: undefined } });
  return { code: r.code, stdout: r.stdout.replaceAll(project.id, 'ID'), stderr: r.stderr.replaceAll(project.id, 'ID') };
}

// Nothing is built here: a fixed prefix keeps the goldens' markers exact.
const registry = '127.0.0.1:5000/acme';
const layout = dockerLibraryFiles({ registry, base: 'busybox:latest' });
const expected = dockerLibraryGraph({ registry, base: 'busybox:latest' });

describe('the docker-library layout from the command line', () => {
  test('validate is silent; plan --json has the real parents, external bases and order', async () => {
    expect(await kiln(layout, 'validate')).toEqual({ code: 0, stdout: '', stderr: '' });
    const r = await kiln(layout, 'plan', '--offline', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { images: { name: string; dependsOn: string[]; edges: { dependency: string; kind: string; ref: string; location: string }[]; externalBases: string[] }[]; order: string[][] };
    expect(doc.order).toEqual(expected.waves);
    expect(Object.fromEntries(doc.images.map((i) => [i.name, i.edges.map((e) => `${e.dependency} ${e.kind} ${e.ref}`)]))).toEqual(expected.edges);
    expect(Object.fromEntries(doc.images.map((i) => [i.name, i.externalBases]))).toEqual(expected.externalBases);
    expect(doc.images.find((i) => i.name === 'perl')?.edges[0]?.location).toBe('perl/Dockerfile:2:6');
    expect(doc.images.find((i) => i.name === 'probe')?.dependsOn).toEqual(['main', 'perl']);
  });

  test('graph --format json has the same edges and waves', async () => {
    const r = await kiln(layout, 'graph', '--format', 'json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { edges: { from: string; to: string; kind: string; ref: string }[]; order: string[][] };
    expect(doc.order).toEqual(expected.waves);
    expect(doc.edges.map((e) => `${e.from} → ${e.to} ${e.kind} ${e.ref}`)).toEqual([
      'main → slim from 127.0.0.1:5000/acme/nginx:1.27-slim',
      'perl → main from 127.0.0.1:5000/acme/nginx:1.27',
      'probe → main from 127.0.0.1:5000/acme/nginx',
      'probe → perl copy-from 127.0.0.1:5000/acme/nginx:perl',
    ]);
  });

  test('a tag no variant produces exits 2 at the Dockerfile line, naming the tags produced and by which image', async () => {
    const r = await kiln({ ...layout, 'main/Dockerfile': `FROM ${registry}/nginx:1.27-slimm\n` }, 'validate');
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: `main/Dockerfile:1:6: error: FROM 127.0.0.1:5000/acme/nginx:1.27-slimm: no image of the manifest produces "127.0.0.1:5000/acme/nginx:1.27-slimm"; the manifest's 127.0.0.1:5000/acme/nginx images produce 1.27-perl and perl (image "perl"), 1.27 and latest (image "main"), 1.27-slim (image "slim"), 1.27-alpine (image "alpine")
  1 | FROM 127.0.0.1:5000/acme/nginx:1.27-slimm
    |      ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
  hint: Did you mean "127.0.0.1:5000/acme/nginx:1.27-slim"? Name a tag the manifest produces, or, for a published build of 127.0.0.1:5000/acme/nginx, pin it by digest (127.0.0.1:5000/acme/nginx@sha256:…).
images.yaml:17:12: note: image "slim" produces "127.0.0.1:5000/acme/nginx:1.27-slim" here
  17 |     tags: ["1.27-slim"]
     |            ^~~~~~~~~~~
`,
    });
  });

  test('plan and build refuse it the same way, before asking the engine', async () => {
    const broken = { ...layout, 'main/Dockerfile': `FROM ${registry}/nginx:1.26\n` };
    for (const command of [['plan', '--offline'], ['build'], ['graph']]) {
      const r = await kiln(broken, ...command);
      expect(r.code, command.join(' ')).toBe(2);
      expect(r.stderr.split('\n')[0], command.join(' ')).toBe(
        'main/Dockerfile:1:6: error: FROM 127.0.0.1:5000/acme/nginx:1.26: no image of the manifest produces "127.0.0.1:5000/acme/nginx:1.26"; the manifest\'s 127.0.0.1:5000/acme/nginx images produce 1.27-perl and perl (image "perl"), 1.27 and latest (image "main"), 1.27-slim (image "slim"), 1.27-alpine (image "alpine")',
      );
    }
  });
});

describe('an image that is its own base exits 2', () => {
  test('repository busybox FROM busybox:latest: it would overwrite the shared base', async () => {
    const r = await kiln({ 'images.yaml': 'version: 1\nimages:\n  box:\n    context: box\n    repository: busybox\n    tags: [latest]\n', 'box/Dockerfile': 'FROM busybox:latest\nRUN echo again >> /stack\n' }, 'validate');
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: `box/Dockerfile:1:6: error: image "box" is its own base: FROM busybox:latest names its own tag "latest"
  1 | FROM busybox:latest
    |      ^~~~~~~~~~~~~~
  hint: A build cannot start from its own result: use another repository, a tag of another manifest image (a separate base image), or a published build pinned by digest (busybox@sha256:…).
images.yaml:6:12: note: image "box" produces "busybox:latest" here
  6 |     tags: [latest]
    |            ^~~~~~
`,
    });
  });

  test('only through a --set tag', async () => {
    const files = { 'images.yaml': 'version: 1\nimages:\n  x:\n    context: x\n    repository: acme/x\n    tags: ["1.0"]\n', 'x/Dockerfile': 'FROM busybox\nCOPY --from=acme/x:edge /a /a\n' };
    const r = await kiln(files, 'validate', '--set', 'x.tags=edge,1.0');
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('x/Dockerfile:2:13: error: image "x" is its own base: COPY --from=acme/x:edge names its own tag "edge"');
    expect((await kiln(files, 'validate', '--set', 'x.tags=1.0')).stderr.split('\n')[0]).toBe(
      'x/Dockerfile:2:13: error: COPY --from=acme/x:edge: no image of the manifest produces "acme/x:edge"; the manifest\'s acme/x images produce 1.0 (image "x")',
    );
  });
});
