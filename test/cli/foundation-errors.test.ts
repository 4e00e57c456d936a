import { afterEach, describe, expect, test } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempProject, type TempProject } from '../helpers/project.js';

const made: TempProject[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((p) => p.remove()));
});

/** `kiln validate` in a fresh project made of `files` (cwd: `dir` inside it). */
async function validate(files: Record<string, string>, dir = '.', args: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  const project = await tempProject(files);
  made.push(project);
  return runCli(['validate', ...args], { cwd: `${project.root}/${dir}`, env: { VERSION: undefined } });
}

const image = (body: string) => `version: 1\nimages:\n  a:\n${body}`;
const busybox = { 'a/Dockerfile': 'FROM busybox\n' };

describe('dependency cycles: one error naming every edge with its location', () => {
  test('two images, one edge via depends_on, one via COPY --from', async () => {
    const r = await validate({
      'images.yaml': 'version: 1\nimages:\n  a:\n    context: a\n    depends_on: [b]\n  b:\n    context: b\n',
      'a/Dockerfile': 'FROM busybox\n',
      'b/Dockerfile': 'FROM busybox\nCOPY --from=a /x /x\n',
    });
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: `images.yaml:5:18: error: dependency cycle: a → b → a
  5 |     depends_on: [b]
    |                  ^
  hint: remove one of these dependencies; an image cannot be built before itself
images.yaml:5:18: note: a depends on b (depends_on)
  5 |     depends_on: [b]
    |                  ^
b/Dockerfile:2:13: note: b depends on a (COPY --from=a)
  2 | COPY --from=a /x /x
    |             ^
`,
    });
  });

  test('three images: FROM, COPY --from and a depends_on list entry', async () => {
    const r = await validate({
      'images.yaml': 'version: 1\nregistry: r.example\nimages:\n  a:\n    context: a\n  b:\n    context: b\n  c:\n    context: c\n    depends_on:\n      - a\n',
      'a/Dockerfile': 'FROM r.example/b\n',
      'b/Dockerfile': 'FROM busybox\nCOPY --from=r.example/c:latest /x /x\n',
      'c/Dockerfile': 'FROM busybox\n',
    });
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: `a/Dockerfile:1:6: error: dependency cycle: a → b → c → a
  1 | FROM r.example/b
    |      ^~~~~~~~~~~
  hint: remove one of these dependencies; an image cannot be built before itself
a/Dockerfile:1:6: note: a depends on b (FROM r.example/b)
  1 | FROM r.example/b
    |      ^~~~~~~~~~~
b/Dockerfile:2:13: note: b depends on c (COPY --from=r.example/c:latest)
  2 | COPY --from=r.example/c:latest /x /x
    |             ^~~~~~~~~~~~~~~~~~
images.yaml:11:9: note: c depends on a (depends_on)
  11 |       - a
     |         ^
`,
    });
  });

  test('an image naming a published build of its own repository by digest is not a cycle (it is external)', async () => {
    const r = await validate({
      'images.yaml': 'version: 1\nregistry: r.example\nimages:\n  a:\n    context: a\n',
      'a/Dockerfile': `FROM busybox\nCOPY --from=r.example/a:latest@sha256:${'0'.repeat(64)} /x /x\n`,
    });
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});

/** Each broken manifest exits 2 and points at the file, line and column of the problem. */
const broken: [string, Record<string, string>, string][] = [
  ['YAML syntax', { 'images.yaml': image('    context: a\n   tags: [x]\n') }, 'images.yaml:5:1: error: YAML syntax error: All mapping items must start at the same column'],
  ['unknown key', { 'images.yaml': image('    context: a\n    contxt: b\n'), ...busybox }, 'images.yaml:5:5: error: unknown key "contxt" in image "a"; did you mean "context"?'],
  ['wrong type', { 'images.yaml': image('    context: a\n    tags: latest\n'), ...busybox }, 'images.yaml:5:11: error: "tags" in image "a" must be a list of strings'],
  ['missing context folder', { 'images.yaml': image('    context: nope\n') }, 'images.yaml:4:14: error: context folder "nope" of image "a" does not exist'],
  ['missing Dockerfile', { 'images.yaml': image('    context: a\n    dockerfile: Dockerfile.prod\n'), 'a/x': '' }, 'images.yaml:5:17: error: Dockerfile "a/Dockerfile.prod" of image "a" not found'],
  [
    'unknown target (lists the stages)',
    { 'images.yaml': image('    context: a\n    target: runtme\n'), 'a/Dockerfile': 'FROM busybox AS build\nFROM busybox AS runtime\n' },
    'images.yaml:5:13: error: target "runtme" is not a stage of a/Dockerfile; its stages are: build, runtime',
  ],
  ['unknown depends_on', { 'images.yaml': image('    context: a\n    depends_on: [bse]\n  base:\n    context: a\n'), ...busybox }, 'images.yaml:5:18: error: image "a" depends on unknown image "bse"; did you mean "base"?'],
  [
    'context outside the project',
    { 'repo/images.yaml': image('    context: ../outside\n'), 'outside/Dockerfile': 'FROM busybox\n' },
    'images.yaml:4:14: error: context of image "a" resolves outside the project root',
  ],
  ['bad tag', { 'images.yaml': image('    context: a\n    tags: ["bad tag!"]\n'), ...busybox }, 'images.yaml:5:12: error: invalid tag "bad tag!" for image "a"'],
  ['undefined ${VAR}', { 'images.yaml': image('    context: a\n    tags: ["${VERSION}"]\n'), ...busybox }, 'images.yaml:5:13: error: variable "VERSION" is not set'],
  ['Dockerfile unknown instruction', { 'images.yaml': image('    context: a\n'), 'a/Dockerfile': 'FROM busybox\nRUNN echo hi\n' }, 'a/Dockerfile:2:1: error: unknown instruction: RUNN'],
  ['group of an unknown image', { 'images.yaml': image('    context: a\ngroups:\n  g: [a, b]\n'), ...busybox }, 'images.yaml:6:10: error: group "g" names unknown image or group "b"; did you mean "a"?'],
];

describe('broken manifests exit 2 and point at the problem', () => {
  test.each(broken)('%s', async (_name, files, expected) => {
    const dir = Object.keys(files).some((f) => f.startsWith('repo/')) ? 'repo' : '.';
    const r = await validate(files, dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toContain(expected);
    expect(r.stderr.endsWith('\n')).toBe(true);
  });

  test('every problem at once, counted', async () => {
    const r = await validate({ 'images.yaml': 'version: 1\nimages:\n  a:\n    contxt: a\n' });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`images.yaml:3:3: error: image "a" is missing required key "context"
  3 |   a:
    |   ^

images.yaml:4:5: error: unknown key "contxt" in image "a"; did you mean "context"?
  4 |     contxt: a
    |     ^~~~~~

2 errors
`);
  });

  test('a bad --var is bad usage', async () => {
    const r = await validate({ 'images.yaml': image('    context: a\n'), ...busybox }, '.', ['--var', 'NOVALUE']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'error: --var NOVALUE: expected NAME=VALUE\n' });
  });

  test('no manifest found is bad usage', async () => {
    const r = await validate({ 'README.md': 'nothing\n' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: no manifest found in \S+ or any folder above it\n {2}hint: create images\.yaml/);
  });
});
