import { symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dockerfile, errorsOf, fixture, lines, project } from './fixture.js';

/** A manifest with one valid image `api` plus whatever `yaml` adds. */
async function manifest(yaml: string, files: Record<string, string> = {}): Promise<string> {
  return fixture({ 'images.yaml': yaml, 'api/Dockerfile': dockerfile, ...files });
}

describe('manifest errors, as printed', () => {
  it('YAML syntax errors, with their position', async () => {
    const dir = await manifest(lines('version: 1', 'images:', '  api:', '    context: api', '    tags: [a, b', ''));
    expect(await errorsOf(dir)).toBe(
      lines(
        'images.yaml:6:1: error: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
        '  6 |',
        '    | ^',
      ),
    );
  });

  it('unknown keys, with a suggestion when one is close', async () => {
    const dir = await manifest(
      lines('version: 1', 'registy: x', 'defaults:', '  context: api', 'images:', '  api:', '    contxt: api', '    context: api', '    watch: { ignores: [a] }', ''),
    );
    expect(await errorsOf(dir)).toBe(
      lines(
        'images.yaml:2:1: error: unknown key "registy" in the manifest; did you mean "registry"?',
        '  2 | registy: x',
        '    | ^~~~~~~',
        '',
        'images.yaml:4:3: error: unknown key "context" in defaults',
        '  4 |   context: api',
        '    |   ^~~~~~~',
        '  hint: known keys: target, args, labels, tags, platform, builder, watch',
        '',
        'images.yaml:7:5: error: unknown key "contxt" in image "api"; did you mean "context"?',
        '  7 |     contxt: api',
        '    |     ^~~~~~',
        '',
        'images.yaml:9:14: error: unknown key "ignores" in "watch" of image "api"; did you mean "ignore"?',
        '  9 |     watch: { ignores: [a] }',
        '    |              ^~~~~~~',
        '',
        '4 errors',
      ),
    );
  });

  it('wrong types, missing keys, wrong values, bad names: all reported at once', async () => {
    const dir = await manifest(
      lines(
        'version: 2',
        'images:',
        '  api:',
        '    context: api',
        '    tags: [ok, 1]',
        '    args: [A=1]',
        '    builder: buildkt',
        '    allow: yes',
        '  web:',
        '    dockerfile: web.Dockerfile',
        '  Admin:',
        '    context: api',
        '  empty:',
        'groups:',
        '  all: api',
        '',
      ),
    );
    expect(await errorsOf(dir)).toBe(
      lines(
        'images.yaml:1:10: error: "version" must be 1',
        '  1 | version: 2',
        '    |          ^',
        '',
        'images.yaml:5:16: error: "tags" in image "api" must be a list of strings',
        '  5 |     tags: [ok, 1]',
        '    |                ^',
        '',
        'images.yaml:6:11: error: "args" in image "api" must be a map',
        '  6 |     args: [A=1]',
        '    |           ^~~~~',
        '',
        'images.yaml:7:14: error: "builder" in image "api" must be one of "buildkit", "classic"; did you mean "buildkit"?',
        '  7 |     builder: buildkt',
        '    |              ^~~~~~~',
        '',
        'images.yaml:8:5: error: unknown key "allow" in image "api"',
        '  8 |     allow: yes',
        '    |     ^~~~~',
        '  hint: known keys: context, dockerfile, repository, depends_on, target, args, labels, tags, platform, builder, watch',
        '',
        'images.yaml:9:3: error: image "web" is missing required key "context"',
        '  9 |   web:',
        '    |   ^~~',
        '',
        'images.yaml:11:3: error: invalid image name "Admin"',
        '  11 |   Admin:',
        '     |   ^~~~~',
        '  hint: names are lowercase letters, digits, ".", "_" and "-", starting with a letter or digit',
        '',
        'images.yaml:13:3: error: image "empty" must be a map of keys',
        '  13 |   empty:',
        '     |   ^~~~~',
        '',
        'images.yaml:15:8: error: group "all" must be a list of strings',
        '  15 |   all: api',
        '     |        ^~~',
        '',
        '9 errors',
      ),
    );
  });

  it('a manifest that is not a map', async () => {
    expect(await errorsOf(await manifest('- a\n- b\n'))).toBe(
      lines(
        'images.yaml:1:1: error: the manifest must be a map of keys',
        '  1 | - a',
        '    | ^~~',
      ),
    );
  });

  it('a manifest without version and images', async () => {
    expect(await errorsOf(await manifest('name: x\n'))).toBe(
      lines(
        'images.yaml:1:1: error: the manifest is missing required key "version"',
        '  1 | name: x',
        '    | ^~~~~~~',
        '  hint: add "version: 1" at the top of the manifest',
        '',
        'images.yaml:1:1: error: the manifest is missing required key "images"',
        '  1 | name: x',
        '    | ^~~~~~~',
        '',
        '2 errors',
      ),
    );
  });

  it('unknown dependencies and group members, group cycles, names used twice', async () => {
    const dir = await manifest(
      lines(
        'version: 1',
        'images:',
        '  base:',
        '    context: api',
        '    repository: acme/base',
        '  api:',
        '    context: api',
        '    depends_on: [bse]',
        'groups:',
        '  backend: [base, api, apii]',
        '  api: [base]',
        '  ring: [loop]',
        '  loop: [base, ring]',
        '',
      ),
    );
    expect(await errorsOf(dir)).toBe(
      lines(
        'images.yaml:8:18: error: image "api" depends on unknown image "bse"; did you mean "base"?',
        '  8 |     depends_on: [bse]',
        '    |                  ^~~',
        '',
        'images.yaml:10:24: error: group "backend" names unknown image or group "apii"; did you mean "api"?',
        '  10 |   backend: [base, api, apii]',
        '     |                        ^~~~',
        '',
        'images.yaml:11:3: error: "api" is both an image and a group',
        '  11 |   api: [base]',
        '     |   ^~~',
        '  hint: rename the group or the image; a name must select one thing',
        'images.yaml:6:3: note: image "api" is defined here',
        '  6 |   api:',
        '    |   ^~~',
        '',
        'images.yaml:12:10: error: group "ring" contains itself: ring → loop → ring',
        '  12 |   ring: [loop]',
        '     |          ^~~~',
        '  hint: remove one of the group references of the cycle',
        'images.yaml:13:16: note: group "loop" includes "ring"',
        '  13 |   loop: [base, ring]',
        '     |                ^~~~',
        '',
        '4 errors',
      ),
    );
  });

  it('missing context folders and Dockerfiles, at the line that names them', async () => {
    const dir = await manifest(
      lines(
        'version: 1',
        'images:',
        '  api:',
        '    context: services/apii',
        '  web:',
        '    context: api',
        '    dockerfile: web.Dockerfile',
        '  worker:',
        '    context: worker',
        '',
      ),
      { 'worker/main.go': '' },
    );
    expect(await errorsOf(dir)).toBe(
      lines(
        'images.yaml:4:14: error: context folder "services/apii" of image "api" does not exist',
        '  4 |     context: services/apii',
        '    |              ^~~~~~~~~~~~~',
        '  hint: the context is relative to the folder of the manifest',
        '',
        'images.yaml:7:17: error: Dockerfile "api/web.Dockerfile" of image "web" not found',
        '  7 |     dockerfile: web.Dockerfile',
        '    |                 ^~~~~~~~~~~~~~',
        '  hint: the dockerfile is relative to the context, as in docker and compose',
        '',
        'images.yaml:9:14: error: Dockerfile "worker/Dockerfile" of image "worker" not found',
        '  9 |     context: worker',
        '    |              ^~~~~~',
        '  hint: add a Dockerfile to the context, or set "dockerfile" (relative to the context)',
        '',
        '3 errors',
      ),
    );
  });

  it('contexts and Dockerfiles outside the root, via .. and via a symlink, unless allowed', async () => {
    const outside = await fixture({ 'ctx/Dockerfile': dockerfile, 'other.Dockerfile': dockerfile });
    const yaml = (allow: string): string =>
      lines(
        'version: 1',
        allow,
        'images:',
        '  up:',
        `    context: ${path.relative('/tmp/kiln-x/root', '/tmp/kiln-x/ctx')}`,
        '  linked:',
        '    context: link',
        '  df:',
        '    context: api',
        `    dockerfile: ${path.join(outside, 'other.Dockerfile')}`,
        '',
      );
    const dir = await fixture({ 'root/images.yaml': yaml(''), 'root/api/Dockerfile': dockerfile, 'ctx/Dockerfile': dockerfile });
    await symlink(path.join(outside, 'ctx'), path.join(dir, 'root/link'));
    const root = path.join(dir, 'root');
    const text = await errorsOf(root);
    expect(text.replaceAll(outside, '<outside>').replaceAll(dir, '<tmp>')).toBe(
      lines(
        'images.yaml:5:14: error: context of image "up" resolves outside the project root: <tmp>/ctx',
        '  5 |     context: ../ctx',
        '    |              ^~~~~~',
        '  hint: set "allow_outside_root: true" in the manifest to allow it',
        '',
        'images.yaml:7:14: error: context of image "linked" resolves outside the project root: <outside>/ctx',
        '  7 |     context: link',
        '    |              ^~~~',
        '  hint: set "allow_outside_root: true" in the manifest to allow it',
        '',
        'images.yaml:10:17: error: Dockerfile of image "df" resolves outside the project root: <outside>/other.Dockerfile',
        '  10 |     dockerfile: <outside>/other.Dockerfile',
        '     |                 ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~',
        '  hint: set "allow_outside_root: true" in the manifest to allow it',
        '',
        '3 errors',
      ),
    );
    const allowed = await fixture({ 'root/images.yaml': yaml('allow_outside_root: true'), 'root/api/Dockerfile': dockerfile, 'ctx/Dockerfile': dockerfile });
    await symlink(path.join(outside, 'ctx'), path.join(allowed, 'root/link'));
    const p = await project(path.join(allowed, 'root'));
    expect(p.allowOutsideRoot).toBe(true);
    expect(p.images.get('linked')?.context).toBe(path.join(allowed, 'root/link'));
  });

  it('the same repository:tag from two images, bad tags and repositories', async () => {
    const dir = await manifest(
      lines(
        'version: 1',
        'images:',
        '  api:',
        '    context: api',
        '    repository: acme/app',
        '    tags: [latest, "1.0"]',
        '  web:',
        '    context: api',
        '    repository: acme/app',
        '    tags: ["1.0", "-bad", "${EMPTY}"]',
        '  worker:',
        '    context: api',
        '    repository: Acme/Worker',
        '',
      ),
    );
    expect(await errorsOf(dir, { env: { EMPTY: '' } })).toBe(
      lines(
        'images.yaml:10:12: error: images "api" and "web" both produce "acme/app:1.0"',
        '  10 |     tags: ["1.0", "-bad", "${EMPTY}"]',
        '     |            ^~~~~',
        '  hint: give one of them another repository or tag',
        'images.yaml:6:20: note: image "api" produces it here',
        '  6 |     tags: [latest, "1.0"]',
        '    |                    ^~~~~',
        '',
        'images.yaml:10:19: error: invalid tag "-bad" for image "web"',
        '  10 |     tags: ["1.0", "-bad", "${EMPTY}"]',
        '     |                   ^~~~~~',
        '  hint: a tag is up to 128 letters, digits, "_", "." and "-", and does not start with "." or "-"',
        '',
        'images.yaml:10:27: error: tag of image "web" is empty after interpolation',
        '  10 |     tags: ["1.0", "-bad", "${EMPTY}"]',
        '     |                           ^~~~~~~~~~',
        '  hint: give the variable a value, or a default: ${VAR:-dev}',
        '',
        'images.yaml:13:17: error: invalid repository "Acme/Worker" for image "worker"',
        '  13 |     repository: Acme/Worker',
        '     |                 ^~~~~~~~~~~',
        '  hint: a repository is lowercase path components ("acme/api") with an optional registry host first ("127.0.0.1:5000/acme/api")',
        '',
        '4 errors',
      ),
    );
  });
});
