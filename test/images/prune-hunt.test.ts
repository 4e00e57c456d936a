// Hunts for prune touching what is not kiln's: random (seeded, bounded) image stores with colliding
// project names, missing labels, own / foreign / content tags and containers, checked against an
// oracle that knows by construction which references kiln made.
import { describe, expect, it } from 'vitest';
import type { ImageSummary } from '../../src/engine/engine.js';
import { applyPrune } from '../../src/images/apply-prune.js';
import { planPrune } from '../../src/images/prune.js';
import { pruneScope } from '../../src/images/prune-scope.js';
import { KilnLabel } from '../../src/model/labels.js';
import { fakePruneEngine } from './fake-prune-engine.js';
import { summary } from './fixtures.js';
import { mulberry32 as random } from '../helpers/random.js';


// Repositories as the manifest may write them, and as the engine lists them (familiar form).
const repositories = [
  { written: 'api', listed: 'api' },
  { written: 'docker.io/library/web', listed: 'web' },
  { written: '127.0.0.1:5000/shop/db', listed: '127.0.0.1:5000/shop/db' },
  { written: 'acme/worker', listed: 'acme/worker' },
];
// Templates whose matching the oracle decides on its own.
const templates: Record<string, (tag: string) => boolean> = {
  latest: (tag) => tag === 'latest',
  'v${VERSION}': (tag) => /^v[A-Za-z0-9_.-]+$/.test(tag),
  '${GIT_SHA_SHORT}': () => true,
};
const tagPool = ['latest', 'v1', 'v2.0', 'mine', 'stable', 'kiln-0123456789abcdef0123', 'kiln-short', 'vx'];
const names = ['api', 'web', 'db', 'gone'];
const hex = (n: number): string => `sha256:${n.toString(16).padStart(64, '0')}`;

interface World {
  images: ImageSummary[];
  /** Every reference kiln made, by construction. */
  own: Set<string>;
  /** The references the manifest makes now. */
  current: Set<string>;
  manifestRepos: Set<string>;
  inUse: Set<string>;
  currentKeys: Map<string, string>;
  keep: number;
  all: boolean;
  scope: ReturnType<typeof pruneScope>;
}

function world(seed: number): World {
  const r = random(seed);
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
  const specs: { name: string; repo: (typeof repositories)[number]; templates: string[]; tags: string[] }[] = [];
  for (const name of names.slice(0, 3)) {
    if (r() < 0.2) continue;
    // `tags`: what the templates give now (a literal may come from --set, beside the templates).
    specs.push({ name, repo: pick(repositories), templates: Object.keys(templates).filter(() => r() < 0.5), tags: ['latest', 'v1', 'stable'].filter(() => r() < 0.3) });
  }
  const scope = pruneScope('shop', specs.map((s) => ({ repository: s.repo.written, tags: s.tags, tagTemplates: s.templates })));
  const specsOf = (listed: string) => specs.filter((s) => s.repo.listed === listed);
  const manifestRepos = new Set(specs.map((s) => s.repo.listed));
  const current = new Set(specs.flatMap((s) => s.tags.map((t) => `${s.repo.listed}:${t}`)));
  const isOwn = (listed: string, tag: string): boolean =>
    manifestRepos.has(listed) &&
    (/^kiln-[0-9a-f]{20}$/.test(tag) || specsOf(listed).some((s) => s.tags.includes(tag) || s.templates.some((t) => templates[t]!(tag))));
  const own = new Set<string>();
  const images: ImageSummary[] = [];
  const used = new Set<string>();
  const count = 1 + Math.floor(r() * 12);
  for (let i = 0; i < count; i++) {
    const repo = pick(repositories);
    const labels: Record<string, string> = {};
    if (r() < 0.9) labels[KilnLabel.project] = r() < 0.8 ? 'shop' : 'other';
    if (r() < 0.95) labels[KilnLabel.image] = pick(names);
    if (r() < 0.95) labels[KilnLabel.key] = `k${Math.floor(r() * 4)}`;
    if (r() < 0.7) labels[KilnLabel.repository] = r() < 0.5 ? repo.written : repo.listed;
    const tags = new Set<string>();
    const digests = new Set<string>();
    for (let n = Math.floor(r() * 4); n > 0; n--) {
      const listed = r() < 0.7 ? repo.listed : pick([...repositories.map((x) => x.listed), 'me/mine']);
      const tag = pick(tagPool);
      // A tag names one image, as in the engine.
      if (used.has(`${listed}:${tag}`)) continue;
      used.add(`${listed}:${tag}`);
      tags.add(`${listed}:${tag}`);
      if (isOwn(listed, tag)) own.add(`${listed}:${tag}`);
    }
    if (r() < 0.3) {
      const listed = r() < 0.7 ? repo.listed : 'me/pushed';
      const digest = `${listed}@${hex(1000 + i)}`;
      digests.add(digest);
      if (manifestRepos.has(listed)) own.add(digest);
    }
    images.push(
      summary({ Id: hex(i + 1), Created: 1_700_000_000 + Math.floor(r() * 5), Size: 10, RepoTags: [...tags], RepoDigests: [...digests], Labels: labels }),
    );
  }
  const inUse = new Set(images.filter(() => r() < 0.15).map((i) => i.Id));
  const currentKeys = new Map(specs.filter(() => r() < 0.8).map((s) => [s.name, `k${Math.floor(r() * 4)}`] as const));
  return { images, own, current, manifestRepos, inUse, currentKeys, keep: Math.floor(r() * 3), all: r() < 0.3, scope };
}

/** Whether an image is this project's build for a manifest repository, decided from the world's construction. */
function mine(w: World, image: ImageSummary): boolean {
  const labels = image.Labels ?? {};
  if (labels[KilnLabel.project] !== 'shop' || !labels[KilnLabel.image] || !labels[KilnLabel.key]) return false;
  const repo = labels[KilnLabel.repository];
  if (repo === undefined) return (image.RepoTags ?? []).some((t) => w.own.has(t));
  return [...w.manifestRepos].some((listed) => repositories.some((x) => x.listed === listed && (x.written === repo || x.listed === repo)));
}

describe('prune hunting (seeded random stores)', () => {
  it('never touches an unnamed repository, a foreign reference, an image in use, the current build, one a current tag points at, or the newest N', async () => {
    const started = Date.now();
    for (let seed = 1; seed <= 400 && Date.now() - started < 10_000; seed++) {
      const w = world(seed);
      const where = `seed ${seed}`;
      const plan = planPrune(w.images, { scope: w.scope, currentKeys: w.currentKeys, keep: w.keep, inUse: w.inUse, all: w.all });
      const byId = new Map(w.images.map((i) => [i.Id, i]));
      for (const c of plan.candidates) {
        const image = byId.get(c.id)!;
        expect(mine(w, image), where).toBe(true);
        expect(w.inUse.has(c.id), where).toBe(false);
        expect(w.currentKeys.get(c.image), where).not.toBe(c.key);
        expect(c.repoTags.some((t) => w.current.has(t)), where).toBe(false);
        expect(c.untag.every((t) => w.own.has(t)), where).toBe(true);
        const refs = [...(image.RepoTags ?? []), ...(image.RepoDigests ?? [])];
        expect(c.foreign.sort(), where).toEqual(refs.filter((ref) => !w.own.has(ref)).sort());
        expect(c.action, where).toBe(c.foreign.length > 0 ? 'untag' : 'remove');
      }
      // Oracle of the selection: per manifest image, this project's proven builds, the current
      // first then newest; everything past `keep` not in use and with a kiln tag (or no other) goes.
      const expected = new Set<string>();
      const groups = new Map<string, ImageSummary[]>();
      for (const image of w.images.filter((i) => mine(w, i))) {
        const name = image.Labels![KilnLabel.image]!;
        groups.set(name, [...(groups.get(name) ?? []), image]);
      }
      for (const [name, group] of groups) {
        const current = w.currentKeys.get(name);
        if (current === undefined && !w.all) continue;
        const isCurrent = (i: ImageSummary): number => Number(i.Labels![KilnLabel.key] === current);
        group.sort((a, b) => isCurrent(b) - isCurrent(a) || b.Created - a.Created || (a.Id < b.Id ? -1 : 1));
        group.forEach((image, index) => {
          if (isCurrent(image) || index < (current === undefined ? 0 : w.keep) || w.inUse.has(image.Id)) return;
          if ((image.RepoTags ?? []).some((t) => w.current.has(t))) return;
          const refs = [...(image.RepoTags ?? []), ...(image.RepoDigests ?? [])];
          if (refs.some((ref) => !w.own.has(ref)) && !(image.RepoTags ?? []).some((t) => w.own.has(t))) return;
          expected.add(image.Id);
        });
      }
      expect(new Set(plan.candidates.map((c) => c.id)), where).toEqual(expected);

      // Applying it on an engine with the real delete rules: no force, and every foreign reference,
      // image in use and image out of scope is still there.
      const fake = fakePruneEngine(w.images, w.inUse);
      await applyPrune(fake.engine, w.scope, plan.candidates);
      expect(fake.forced, where).toEqual([]);
      for (const image of w.images) {
        const after = fake.store.get(image.Id);
        const foreign = [...(image.RepoTags ?? []), ...(image.RepoDigests ?? [])].filter((ref) => !w.own.has(ref));
        if (!expected.has(image.Id)) expect(after, where).toEqual({ tags: image.RepoTags ?? [], digests: image.RepoDigests ?? [] });
        else if (foreign.length > 0) {
          // Kept for its foreign references, all still there; of kiln's, only a digest may stay (the
          // engine keeps it while the repository has another tag).
          expect(after!.tags.sort(), where).toEqual(foreign.filter((ref) => !ref.includes('@')).sort());
          expect(after!.digests.filter((d) => !w.own.has(d)).sort(), where).toEqual(foreign.filter((ref) => ref.includes('@')).sort());
        }
        else expect(after, where).toBeUndefined();
      }
    }
  });
});
