import { describe, expect, it } from 'vitest';
import type { ImageSummary } from '../../src/engine/engine.js';
import { KilnLabel } from '../../src/model/labels.js';
import { applyPrune } from '../../src/images/apply-prune.js';
import { planPrune, type PruneOptions } from '../../src/images/prune.js';
import { isOwnReference, pruneScope } from '../../src/images/prune-scope.js';
import { renderDryRun } from '../../src/images/render-prune.js';
import { fakePruneEngine as fakeEngine } from './fake-prune-engine.js';
import { id, summary } from './fixtures.js';

const t0 = 1_700_000_000;
const content = `kiln-${'0123456789abcdef0123'}`;
const build = (
  ch: string,
  options: { image?: string; key: string; created: number; project?: string; repository?: string | null; tags?: string[]; digests?: string[] },
): ImageSummary =>
  summary({
    Id: id(ch),
    Created: options.created,
    Size: 1000,
    RepoTags: options.tags ?? [],
    RepoDigests: options.digests ?? [],
    Labels: {
      [KilnLabel.project]: options.project ?? 'shop',
      [KilnLabel.image]: options.image ?? 'api',
      [KilnLabel.key]: options.key,
      ...(options.repository === null ? {} : { [KilnLabel.repository]: options.repository ?? `${options.image ?? 'api'}` }),
    },
  });

const scope = pruneScope('shop', [
  { repository: 'api', tags: ['latest', 'v5'], tagTemplates: ['latest', 'v${VERSION}'] },
  { repository: '127.0.0.1:5000/shop/web', tags: ['latest'], tagTemplates: ['latest'] },
]);
const images = [
  build('a', { key: 'k5', created: t0 + 50, tags: ['api:latest'] }), // current
  build('b', { key: 'k4', created: t0 + 40, tags: ['api:v4', `api:${content}`] }),
  build('c', { key: 'k3', created: t0 + 30 }),
  build('d', { key: 'k2', created: t0 + 20, tags: ['api:v2'] }),
  build('e', { key: 'k1', created: t0 + 10 }),
  build('f', { key: 'w1', created: t0, image: 'web', repository: '127.0.0.1:5000/shop/web' }),
  build('g', { key: 'x1', created: t0, project: 'other' }),
  build('h', { key: 'o1', created: t0, image: 'gone', repository: 'api' }),
  summary({ Id: id('i'), Created: t0, RepoTags: ['busybox:latest'] }),
];
const base: PruneOptions = { scope, currentKeys: new Map([['api', 'k5'], ['web', 'w0']]), inUse: new Set() };
const ids = (options: Partial<PruneOptions>, list = images): string[] => planPrune(list, { ...base, ...options }).candidates.map((c) => c.id.slice(7, 8));

describe('prune scope', () => {
  it('owns a manifest repository with a tag its templates produce, and content and dependency tags there; nothing else', () => {
    expect(isOwnReference(scope, 'api:v9')).toBe(true);
    expect(isOwnReference(scope, 'docker.io/library/api:latest')).toBe(true);
    expect(isOwnReference(scope, `api:${content}`)).toBe(true);
    expect(isOwnReference(scope, `api:kiln-dep-${'a'.repeat(64)}`)).toBe(true);
    expect(isOwnReference(scope, `other:kiln-dep-${'a'.repeat(64)}`)).toBe(false);
    expect(isOwnReference(scope, `api@sha256:${'1'.repeat(64)}`)).toBe(true);
    expect(isOwnReference(scope, 'api:mine')).toBe(false);
    expect(isOwnReference(scope, 'me/api:latest')).toBe(false);
    expect(isOwnReference(scope, `other:${content}`)).toBe(false);
    expect(isOwnReference(scope, '127.0.0.1:5000/shop/web:v1')).toBe(false);
  });
});

describe('planPrune', () => {
  it('keeps the current build and prunes older ones (keep 1)', () => {
    expect(ids({})).toEqual(['b', 'c', 'd', 'e']);
  });

  it('keeps the newest N builds per manifest image, the current one counted', () => {
    expect(ids({ keep: 3 })).toEqual(['d', 'e']);
    // web has no current build locally: its newest N are kept.
    expect(ids({ keep: 0 })).toEqual(['b', 'c', 'd', 'e', 'f']);
  });

  it('never prunes an image in use by a container, and says it keeps it', () => {
    const plan = planPrune(images, { ...base, inUse: new Set([id('c')]) });
    expect(plan.candidates.map((c) => c.id)).not.toContain(id('c'));
    expect(plan.kept).toEqual([{ id: id('c'), image: 'api', key: 'k3', repoTags: [], why: 'in-use' }]);
  });

  it('never touches other projects, unlabelled images, or (without all) images gone from the manifest', () => {
    expect(ids({ keep: 0 })).not.toContain('g');
    expect(ids({ keep: 0 })).not.toContain('i');
    expect(ids({})).not.toContain('h');
    const withAll = planPrune(images, { ...base, all: true });
    expect(withAll.candidates.find((c) => c.image === 'gone')?.reason).toBe('removed-from-manifest');
  });

  it('a same-named project: never an image whose repository the manifest does not name, tagged or not', () => {
    const twin = [
      ...images,
      build('j', { key: 't1', created: t0 + 60, repository: 'twin/api', tags: ['twin/api:latest'] }),
      build('k', { key: 't0', created: t0 + 5, repository: 'twin/api' }),
    ];
    expect(ids({ keep: 0, all: true }, twin)).not.toContain('j');
    expect(ids({ keep: 0, all: true }, twin)).not.toContain('k');
    // They take no `keep` place either: api's plan is unchanged.
    expect(ids({}, twin)).toEqual(ids({}));
  });

  it('images without the repository label (older kiln): pruned only when a tag proves the repository', () => {
    const legacy = [
      build('a', { key: 'k5', created: t0 + 50, tags: ['api:latest'] }),
      build('l', { key: 'k4', created: t0 + 40, repository: null, tags: ['api:v4'] }),
      build('m', { key: 'k3', created: t0 + 30, repository: null }),
      build('n', { key: 'k2', created: t0 + 20, repository: null, tags: ['twin/api:latest'] }),
    ];
    const plan = planPrune(legacy, base);
    expect(plan.candidates.map((c) => c.id)).toEqual([id('l')]);
    expect(plan.kept.map((k) => [k.id, k.why])).toEqual([
      [id('m'), 'unproven-repository'],
      [id('n'), 'unproven-repository'],
    ]);
  });

  it('keeps the build a tag of the manifest points at now (not rebuilt yet, or a project sharing the repository built last)', () => {
    const moved = [build('b', { key: 'k4', created: t0 + 40, tags: ['api:latest', 'api:v4'] }), build('c', { key: 'k3', created: t0 + 30, tags: ['api:v5'] })];
    const plan = planPrune(moved, { ...base, keep: 0 });
    expect(plan.candidates).toEqual([]);
    expect(plan.kept.map((k) => [k.id.slice(7, 8), k.why])).toEqual([
      ['b', 'current-tag'],
      ['c', 'current-tag'],
    ]);
  });

  it('until: only images created before the instant', () => {
    expect(ids({ until: new Date((t0 + 30) * 1000) })).toEqual(['d', 'e']);
  });

  it('dangling: only untagged images', () => {
    expect(ids({ dangling: true })).toEqual(['c', 'e']);
  });

  it('untags only kiln\'s tags; an image with any other reference is untagged and kept', () => {
    const tagged = [
      build('a', { key: 'k5', created: t0 + 50, tags: ['api:latest'] }),
      build('b', { key: 'k4', created: t0 + 40, tags: ['api:v4', 'api:mine', `api:${content}`] }),
      build('c', { key: 'k3', created: t0 + 30, tags: ['me/keep:1'] }),
      build('d', { key: 'k2', created: t0 + 20, tags: ['api:v2'], digests: [`api@sha256:${'2'.repeat(64)}`] }),
      build('e', { key: 'k1', created: t0 + 10, tags: ['api:v1'], digests: [`me/pushed@sha256:${'3'.repeat(64)}`] }),
    ];
    const plan = planPrune(tagged, base);
    expect(plan.candidates.map((c) => [c.id.slice(7, 8), c.action, c.untag, c.foreign])).toEqual([
      ['b', 'untag', ['api:v4', `api:${content}`], ['api:mine']],
      ['d', 'remove', ['api:v2'], []],
      ['e', 'untag', ['api:v1'], [`me/pushed@sha256:${'3'.repeat(64)}`]],
    ]);
    expect(plan.kept.map((k) => [k.id.slice(7, 8), k.why])).toEqual([['c', 'only-foreign-tags']]);
    const text = renderDryRun(plan);
    expect(text).toContain('Would remove:\n  dddddddddddd  api  key k2  untag api:v2  1kB  (superseded)\n');
    expect(text).toContain(`Would untag (the image stays for its other tags):\n  bbbbbbbbbbbb  api  key k4  untag api:v4, api:${content}  keeps api:mine  1kB  (superseded)\n`);
    expect(text).toContain('Would keep:\n  cccccccccccc  api  key k3  me/keep:1  (kept: it carries only tags kiln did not make)\n');
    expect(text).toMatch(/Would reclaim: 1kB\n$/);
  });
});

describe('applyPrune', () => {
  it('removes kiln tags by name, never forces, keeps images with other tags, skips images that came into use', async () => {
    const tagged = [
      build('a', { key: 'k5', created: t0 + 50, tags: ['api:latest'] }),
      build('b', { key: 'k4', created: t0 + 40, tags: ['api:v4', 'api:mine', `api:${content}`] }),
      build('c', { key: 'k3', created: t0 + 30 }),
      build('d', { key: 'k2', created: t0 + 20, tags: ['api:v2'], digests: [`api@sha256:${'2'.repeat(64)}`] }),
      build('e', { key: 'k1', created: t0 + 10, tags: ['api:v1'] }),
    ];
    const plan = planPrune(tagged, base);
    const fake = fakeEngine(tagged, new Set([id('e')]));
    const result = await applyPrune(fake.engine, scope, plan.candidates);
    expect(fake.forced).toEqual([]);
    expect(result.removed.map((c) => c.id)).toEqual([id('c'), id('d')]);
    expect(result.untagged.map((c) => c.id)).toEqual([id('b')]);
    expect(result.skipped.map((s) => [s.candidate.id, s.reason])).toEqual([[id('e'), 'in use by a container']]);
    expect(result.freedBytes).toBe(2000);
    expect(fake.store.get(id('b'))).toEqual({ tags: ['api:mine'], digests: [] });
    expect([...fake.store.keys()].sort()).toEqual([id('a'), id('b'), id('e')]);
  });

  it('keeps an image someone tagged between plan and apply', async () => {
    const one = [build('a', { key: 'k5', created: t0 + 50, tags: ['api:latest'] }), build('c', { key: 'k3', created: t0 + 30 })];
    const plan = planPrune(one, base);
    const fake = fakeEngine(one, new Set());
    fake.store.get(id('c'))!.tags.push('me/late:1');
    const result = await applyPrune(fake.engine, scope, plan.candidates);
    expect(result.removed).toEqual([]);
    expect(fake.store.get(id('c'))?.tags).toEqual(['me/late:1']);
  });
});
