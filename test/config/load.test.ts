import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findManifest } from '../../src/config/find-manifest.js';
import { dockerfile, fixture, lines, printed, project } from './fixture.js';

describe('loadProject', () => {
  it('normalizes a manifest: defaults merged, paths absolute, repositories derived', async () => {
    const dir = await fixture({
      'images.yaml': lines(
        'version: 1',
        'name: shop',
        'registry: 127.0.0.1:5000/acme/',
        'insecure_registries: [build.local:5000]',
        'defaults:',
        '  args: { NODE_VERSION: 20, DEBUG: false }',
        '  labels: { team: core }',
        '  tags: [edge, latest]',
        '  platform: linux/amd64',
        '  watch: { ignore: ["*.md"] }',
        'images:',
        '  base:',
        '    context: images/base',
        '  api:',
        '    context: services/api',
        '    dockerfile: ../../docker/api.Dockerfile',
        '    repository: acme/api',
        '    target: runtime',
        '    builder: classic',
        '    args: { NODE_VERSION: 22, APP: api }',
        '    tags: ["1.0"]',
        '    depends_on: [base]',
        'groups:',
        '  all: [base, api]',
        '',
      ),
      'images/base/Dockerfile': dockerfile,
      'services/api/main.js': '',
      'docker/api.Dockerfile': dockerfile,
    });
    const p = await project(dir);
    expect(p.name).toBe('shop');
    expect(p.root).toBe(dir);
    expect(p.file).toBe(path.join(dir, 'images.yaml'));
    expect(p.registry).toBe('127.0.0.1:5000/acme');
    expect(p.insecureRegistries).toEqual(['build.local:5000']);
    expect(p.allowOutsideRoot).toBe(false);
    expect([...p.images.keys()]).toEqual(['base', 'api']);
    const base = p.images.get('base');
    expect(base).toMatchObject({
      context: path.join(dir, 'images/base'),
      dockerfile: path.join(dir, 'images/base/Dockerfile'),
      repository: '127.0.0.1:5000/acme/base',
      tags: ['edge', 'latest'],
      args: { NODE_VERSION: '20', DEBUG: 'false' },
      labels: { team: 'core' },
      platform: 'linux/amd64',
      watchIgnore: ['*.md'],
      dependsOn: [],
    });
    const api = p.images.get('api');
    expect(api).toMatchObject({
      dockerfile: path.join(dir, 'docker/api.Dockerfile'),
      repository: 'acme/api',
      target: 'runtime',
      builder: 'classic',
      args: { NODE_VERSION: '22', DEBUG: 'false', APP: 'api' },
      tags: ['1.0'],
      dependsOn: ['base'],
    });
    expect(api?.locations.image).toMatchObject({ line: 14, column: 3 });
    expect(api?.locations['dependsOn.0']).toMatchObject({ line: 22, column: 18 });
    expect(api?.locations['args.NODE_VERSION']).toMatchObject({ line: 20, column: 27 });
    expect(api?.locations['args.DEBUG']).toMatchObject({ line: 6, column: 36 });
    expect(base?.locations['tags.0']).toMatchObject({ line: 8, column: 10 });
    expect(p.groups.get('all')).toMatchObject({ members: ['base', 'api'], location: { line: 24, column: 3 } });
  });

  it('defaults the project name to the folder, tags to latest, repository to the image name', async () => {
    const dir = await fixture({
      'images.yml': 'version: 1\nimages:\n  web:\n    context: .\n',
      Dockerfile: dockerfile,
    });
    const p = await project(dir, { file: 'images.yml' });
    expect(p.name).toBe(path.basename(dir));
    expect(p.images.get('web')).toMatchObject({ tags: ['latest'], repository: 'web', args: {}, labels: {} });
    expect(p.groups.size).toBe(0);
  });
});

describe('findManifest', () => {
  it('searches upward; images.yaml wins over kiln.config.ts in one folder, the nearest folder wins', async () => {
    const dir = await fixture({
      'images.yaml': 'version: 1\nimages: {}\n',
      'a/kiln.config.ts': 'export default {}',
      'a/images.yml': 'version: 1\nimages: {}\n',
      'a/b/c/.keep': '',
      'd/kiln.config.mjs': 'export default {}',
      'd/kiln.config.js': 'export default {}',
    });
    expect(findManifest(path.join(dir, 'a/b/c'))).toEqual({ ok: true, value: path.join(dir, 'a/images.yml') });
    expect(findManifest(dir)).toEqual({ ok: true, value: path.join(dir, 'images.yaml') });
    expect(findManifest(path.join(dir, 'd'))).toEqual({ ok: true, value: path.join(dir, 'd/kiln.config.js') });
  });

  it('takes -f as given, relative to cwd, and reports a missing one', async () => {
    const dir = await fixture({ 'ci/build.yaml': 'version: 1\n' });
    expect(findManifest(dir, 'ci/build.yaml')).toEqual({ ok: true, value: path.join(dir, 'ci/build.yaml') });
    const missing = findManifest(dir, 'nope.yaml');
    expect(missing.ok).toBe(false);
    if (missing.ok) return;
    expect(missing.error[0]?.kind).toBe('usage');
    expect(printed(missing.error, dir)).toBe(
      lines('error: manifest "nope.yaml" not found', `  hint: -f takes a path to images.yaml or kiln.config.ts, relative to ${dir}`),
    );
  });

  it('says where it looked when there is no manifest', async () => {
    const dir = await fixture({});
    const empty = path.join(dir, 'empty');
    await mkdir(empty);
    await writeFile(path.join(empty, 'README'), '');
    const result = findManifest(empty);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    // Some folder above a temp dir might hold a manifest on a dev machine; the message is what matters.
    expect(result.error[0]?.message).toBe(`no manifest found in ${empty} or any folder above it`);
    expect(result.error[0]?.kind).toBe('usage');
  });
});
