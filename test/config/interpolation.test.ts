import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { interpolate } from '../../src/config/interpolate.js';
import { dockerfile, errorsOf, fixture, lines, project } from './fixture.js';

const vars: Record<string, string> = { A: 'x', EMPTY: '' };
const lookup = (name: string): string | undefined => vars[name];

describe('interpolate', () => {
  it.each([
    ['${A}', 'x'],
    ['pre-${A}-post', 'pre-x-post'],
    ['${MISSING:-fallback}', 'fallback'],
    ['${EMPTY:-fallback}', 'fallback'],
    ['${A:-fallback}', 'x'],
    ['${MISSING:-}', ''],
    ['$${A}', '${A}'],
    ['cost: $$5 and $5', 'cost: $5 and $5'],
    ['$A stays', '$A stays'],
  ])('%s → %s', (template, expected) => {
    expect(interpolate(template, lookup)).toEqual({ ok: true, value: expected });
  });

  it('reports undefined, malformed and unterminated references', () => {
    const result = interpolate('${MISSING} ${1X} ${A', lookup);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.map((problem) => [problem.message, problem.reference])).toEqual([
      ['variable "MISSING" is not set', '${MISSING}'],
      ['invalid variable reference "${1X}"', '${1X}'],
      ['unterminated variable reference "${A"', '${A'],
    ]);
  });
});

describe('interpolation in manifests', () => {
  const manifest = lines(
    'version: 1',
    'name: ${PROJECT:-shop}',
    'registry: ${REGISTRY}',
    'images:',
    '  api:',
    '    context: api',
    '    repository: ${REGISTRY}/${TEAM:-core}/api',
    '    tags: ["${VERSION}", "${GIT_SHA_SHORT:-nogit}"]',
    '    args: { VERSION: "${VERSION}", N: 3 }',
    '    labels: { branch: "${GIT_BRANCH}", price: "$$5 $${literal}" }',
    '',
  );

  it('expands --var over the environment, with defaults and $$ escapes', async () => {
    const dir = await fixture({ 'images.yaml': manifest, 'api/Dockerfile': dockerfile });
    const p = await project(dir, { vars: { VERSION: '1.2.0' }, env: { VERSION: 'ignored', REGISTRY: '127.0.0.1:5000' } });
    expect(p.name).toBe('shop');
    expect(p.registry).toBe('127.0.0.1:5000');
    expect(p.images.get('api')).toMatchObject({
      repository: '127.0.0.1:5000/core/api',
      tags: ['1.2.0', 'nogit'],
      args: { VERSION: '1.2.0', N: '3' },
      labels: { branch: '', price: '$5 ${literal}' },
    });
  });

  it('reports an undefined variable at the column of its ${', async () => {
    const dir = await fixture({ 'images.yaml': manifest, 'api/Dockerfile': dockerfile });
    expect(await errorsOf(dir, { env: { REGISTRY: 'r.example' } })).toBe(
      lines(
        'images.yaml:8:13: error: variable "VERSION" is not set',
        '  8 |     tags: ["${VERSION}", "${GIT_SHA_SHORT:-nogit}"]',
        '    |             ^~~~~~~~~~',
        '  hint: pass --var VERSION=VALUE, set it in the environment, or give a default: ${VERSION:-VALUE}',
        '',
        'images.yaml:9:23: error: variable "VERSION" is not set',
        '  9 |     args: { VERSION: "${VERSION}", N: 3 }',
        '    |                       ^~~~~~~~~~',
        '  hint: pass --var VERSION=VALUE, set it in the environment, or give a default: ${VERSION:-VALUE}',
        '',
        '2 errors',
      ),
    );
  });

  it('reads GIT_SHA, GIT_SHA_SHORT and GIT_BRANCH from the manifest folder\'s repository', async () => {
    const dir = await fixture({
      'images.yaml': lines(
        'version: 1',
        'images:',
        '  api:',
        '    context: api',
        '    tags: ["${GIT_SHA}", "${GIT_SHA_SHORT}", "${GIT_BRANCH}"]',
        '',
      ),
      'api/Dockerfile': dockerfile,
    });
    const git = (...args: string[]): string =>
      execFileSync('git', ['-c', 'user.name=kiln', '-c', 'user.email=kiln@example.invalid', ...args], {
        cwd: dir,
        encoding: 'utf8',
      }).trim();
    git('init', '-q', '-b', 'feature-x');
    git('add', '.');
    git('commit', '-q', '-m', 'fixture');
    const sha = git('rev-parse', 'HEAD');
    const p = await project(dir);
    expect(p.images.get('api')?.tags).toEqual([sha, git('rev-parse', '--short', 'HEAD'), 'feature-x']);
    // --var overrides a built-in.
    const overridden = await project(dir, { vars: { GIT_BRANCH: 'main' } });
    expect(overridden.images.get('api')?.tags[2]).toBe('main');
  });

  it('gives empty built-ins outside a git repository, never an error', async () => {
    const dir = await fixture({
      'images.yaml': lines('version: 1', 'images:', '  api:', '    context: api', '    tags: ["x${GIT_SHA}", "b${GIT_BRANCH}"]', ''),
      'api/Dockerfile': dockerfile,
    });
    const p = await project(dir);
    expect(p.images.get('api')?.tags).toEqual(['x', 'b']);
  });

  it('reports a variable of a default used by several images once, and one from --set by its option', async () => {
    const dir = await fixture({
      'images.yaml': lines(
        'version: 1',
        'defaults:',
        '  tags: ["${RELEASE}"]',
        'images:',
        '  api:',
        '    context: api',
        '  web:',
        '    context: api',
        '    repository: web',
        '',
      ),
      'api/Dockerfile': dockerfile,
    });
    expect(await errorsOf(dir, { sets: ['web.args.X=${NOPE}'] })).toBe(
      lines(
        'error: variable "NOPE" is not set (in --set "web.args.X=${NOPE}")',
        '  hint: pass --var NOPE=VALUE, set it in the environment, or give a default: ${NOPE:-VALUE}',
        '',
        'images.yaml:3:11: error: variable "RELEASE" is not set',
        '  3 |   tags: ["${RELEASE}"]',
        '    |           ^~~~~~~~~~',
        '  hint: pass --var RELEASE=VALUE, set it in the environment, or give a default: ${RELEASE:-VALUE}',
        '',
        '2 errors',
      ),
    );
  });
});
