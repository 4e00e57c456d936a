import { describe, expect, it } from 'vitest';
import type { Engine, ImageSummary } from '../../src/engine/engine.js';
import { KilnLabel } from '../../src/model/labels.js';
import { applyPrune, planPrune, type PruneOptions } from '../../src/images/prune.js';
import { id, summary } from './fixtures.js';

const t0 = 1_700_000_000;
const build = (ch: string, options: { image?: string; key: string; created: number; project?: string; tags?: string[] }): ImageSummary =>
  summary({
    Id: id(ch),
    Created: options.created,
    Size: 1000,
    RepoTags: options.tags ?? [],
    RepoDigests: [],
    Labels: {
      [KilnLabel.project]: options.project ?? 'shop',
      [KilnLabel.image]: options.image ?? 'api',
      [KilnLabel.key]: options.key,
    },
  });

const images = [
  build('a', { key: 'k5', created: t0 + 50, tags: ['api:latest'] }), // current
  build('b', { key: 'k4', created: t0 + 40, tags: ['api:4', 'api:four'] }),
  build('c', { key: 'k3', created: t0 + 30 }),
  build('d', { key: 'k2', created: t0 + 20, tags: ['api:2'] }),
  build('e', { key: 'k1', created: t0 + 10 }),
  build('f', { key: 'w1', created: t0, image: 'web' }),
  build('g', { key: 'x1', created: t0, project: 'other' }),
  build('h', { key: 'o1', created: t0, image: 'gone' }),
  summary({ Id: id('i'), Created: t0, RepoTags: ['busybox:latest'] }),
];
const base: PruneOptions = { project: 'shop', currentKeys: new Map([['api', 'k5'], ['web', 'w0']]), inUse: new Set() };
const ids = (options: Partial<PruneOptions>): string[] => planPrune(images, { ...base, ...options }).map((c) => c.id.slice(7, 8));

describe('planPrune', () => {
  it('keeps the current build and prunes older ones (keep 1)', () => {
    expect(ids({})).toEqual(['b', 'c', 'd', 'e']);
  });

  it('keeps the newest N builds per manifest image, the current one counted', () => {
    expect(ids({ keep: 3 })).toEqual(['d', 'e']);
    // web has no current build locally: its newest N are kept.
    expect(ids({ keep: 0 })).toEqual(['b', 'c', 'd', 'e', 'f']);
  });

  it('never prunes an image in use by a container', () => {
    expect(ids({ inUse: new Set([id('c')]) })).toEqual(['b', 'd', 'e']);
  });

  it('never touches other projects, unlabelled images, or (without all) images gone from the manifest', () => {
    expect(ids({ keep: 0 })).not.toContain('g');
    expect(ids({ keep: 0 })).not.toContain('i');
    expect(ids({})).not.toContain('h');
    const withAll = planPrune(images, { ...base, all: true });
    expect(withAll.find((c) => c.image === 'gone')?.reason).toBe('removed-from-manifest');
  });

  it('until: only images created before the instant', () => {
    expect(ids({ until: new Date((t0 + 30) * 1000) })).toEqual(['d', 'e']);
  });

  it('dangling: only untagged images', () => {
    expect(ids({ dangling: true })).toEqual(['c', 'e']);
  });

  it('marks multi-tag images for forced removal by ID', () => {
    const plan = planPrune(images, base);
    expect(plan.find((c) => c.id === id('b'))?.force).toBe(true);
    expect(plan.find((c) => c.id === id('d'))?.force).toBe(false);
    expect(plan[0]).toMatchObject({ image: 'api', key: 'k4', repoTags: ['api:4', 'api:four'], size: 1000, reason: 'superseded' });
  });
});

describe('applyPrune', () => {
  it('removes by ID, forces only multi-tag images, skips images that came into use, sums freed bytes', async () => {
    const calls: { ref: string; force: boolean | undefined }[] = [];
    const engine = {
      imagesInUse: async () => new Set([id('c')]),
      removeImage: async (ref: string, options: { force?: boolean }) => {
        calls.push({ ref, force: options.force });
        if (ref === id('e')) throw new Error('conflict: unable to delete eeeeeeeeeeee (cannot be forced) - image has dependent child images');
        return [{ Untagged: 'x' }, { Deleted: ref }];
      },
    } as unknown as Engine;
    const plan = planPrune(images, base);
    const result = await applyPrune(engine, plan);
    expect(calls).toEqual([
      { ref: id('b'), force: true },
      { ref: id('d'), force: false },
      { ref: id('e'), force: false },
    ]);
    expect(result.removed.map((c) => c.id)).toEqual([id('b'), id('d')]);
    expect(result.freedBytes).toBe(2000);
    expect(result.skipped.map((s) => s.reason)).toEqual(['in use by a container', expect.stringContaining('dependent child images')]);
  });
});
