// `kiln prune` planning: which of this project's kiln images to remove or untag, and which to keep and why.
import type { ImageSummary } from '../engine/engine.js';
import { KilnLabel } from '../model/labels.js';
import { isDangling } from './image-rows.js';
import { isCurrentReference, isOwnReference, membership, referencesOf, type PruneScope } from './prune-scope.js';

/** Why an image is pruned. */
export type PruneReason =
  /** An older build of a manifest image, beyond the newest `keep`. */
  | 'superseded'
  /** Its manifest image is no longer in the manifest (only with `all`). */
  | 'removed-from-manifest';

/** An image planPrune selected. */
export interface PruneCandidate {
  id: string;
  /** Manifest image name (label `dev.kiln.image`). */
  image: string;
  key: string;
  /** Every tag the image carries now. */
  repoTags: string[];
  size: number;
  /** Unix seconds. */
  created: number;
  reason: PruneReason;
  /**
   * `remove`: kiln's tags are its only references, so the image goes (untagged first, never forced).
   * `untag`: only kiln's tags go; the image stays for the references in `foreign`.
   */
  action: 'remove' | 'untag';
  /** kiln's own tags on it (manifest repository + tag template, or a content tag): the only ones removed. */
  untag: string[];
  /** References kiln did not make (a user's `docker tag`, another repository): never removed. */
  foreign: string[];
}

/** Why an image that would otherwise be pruned is left alone. */
export type KeepReason =
  /** A container (running or not) uses it. */
  | 'in-use'
  /** It carries only references kiln did not make. */
  | 'only-foreign-tags'
  /**
   * It carries a tag the manifest makes now: the build that tag points at (not rebuilt yet, or a
   * project sharing the repository built last) stays until `kiln build` moves the tag.
   */
  | 'current-tag'
  /** It has no `dev.kiln.repository` label (an older kiln built it) and no tag shows it is this manifest's. */
  | 'unproven-repository';

/** An image left alone, with why. */
export interface KeptImage {
  id: string;
  image: string;
  key: string;
  repoTags: string[];
  why: KeepReason;
}

/** What planPrune decided. */
export interface PrunePlan {
  candidates: PruneCandidate[];
  kept: KeptImage[];
}

/** What to prune. */
export interface PruneOptions {
  scope: PruneScope;
  /** The current cache key of each manifest image: images with that key are never pruned. */
  currentKeys: ReadonlyMap<string, string>;
  /** Builds of each manifest image to keep, the current one counted. Default 1. */
  keep?: number;
  /** Only images created before this instant. */
  until?: Date;
  /** Only dangling (untagged) images. */
  dangling?: boolean;
  /** Also images whose manifest image is no longer in the manifest. */
  all?: boolean;
  /** Image IDs used by containers: never pruned. */
  inUse: ReadonlySet<string>;
}

/**
 * Chooses this project's kiln images to prune: in the scope (project and manifest repositories),
 * not current, beyond the newest `keep` builds of their manifest image, matching `until` /
 * `dangling`. Of each, only kiln's own tags are removed; an image that still carries another
 * reference is untagged and kept. One a container uses, or that a tag of the manifest points at
 * now, is not touched at all.
 */
export function planPrune(images: readonly ImageSummary[], options: PruneOptions): PrunePlan {
  const keep = Math.max(0, options.keep ?? 1);
  const plan: PrunePlan = { candidates: [], kept: [] };
  const byImage = new Map<string, { image: ImageSummary; proven: boolean }[]>();
  for (const image of images) {
    const scope = membership(options.scope, image);
    if (scope === 'foreign') continue;
    const name = image.Labels![KilnLabel.image]!;
    const list = byImage.get(name) ?? [];
    list.push({ image, proven: scope === 'own' });
    byImage.set(name, list);
  }
  for (const [name, builds] of byImage) {
    const currentKey = options.currentKeys.get(name);
    if (currentKey === undefined && !options.all) continue;
    const isCurrent = (image: ImageSummary): boolean => image.Labels?.[KilnLabel.key] === currentKey;
    // Newest first, the current build ahead of all: it takes one of the `keep` places.
    const ordered = [...builds].sort(
      (a, b) => Number(isCurrent(b.image)) - Number(isCurrent(a.image)) || b.image.Created - a.image.Created || (a.image.Id < b.image.Id ? -1 : 1),
    );
    const kept = currentKey === undefined ? 0 : keep;
    // Unproven builds may be a same-named project's: they take no `keep` place and are never touched.
    ordered.filter((b) => b.proven).forEach(({ image }, index) => {
      if (isCurrent(image) || index < kept || !selected(image, options)) return;
      if (options.inUse.has(image.Id)) return keepAs(plan, name, image, 'in-use');
      const { tags, digests } = referencesOf(image);
      if (tags.some((ref) => isCurrentReference(options.scope, ref))) return keepAs(plan, name, image, 'current-tag');
      const untag = tags.filter((ref) => isOwnReference(options.scope, ref));
      const foreign = [...tags, ...digests].filter((ref) => !isOwnReference(options.scope, ref));
      if (foreign.length > 0 && untag.length === 0) return keepAs(plan, name, image, 'only-foreign-tags');
      plan.candidates.push({
        ...described(name, image),
        size: image.Size,
        created: image.Created,
        reason: currentKey === undefined ? 'removed-from-manifest' : 'superseded',
        action: foreign.length > 0 ? 'untag' : 'remove',
        untag,
        foreign,
      });
    });
    for (const { image } of ordered.filter((b) => !b.proven)) {
      if (!isCurrent(image) && selected(image, options)) keepAs(plan, name, image, 'unproven-repository');
    }
  }
  return plan;
}

/** Whether `until` and `dangling` let the image through. */
function selected(image: ImageSummary, options: PruneOptions): boolean {
  if (options.until !== undefined && image.Created * 1000 >= options.until.getTime()) return false;
  return !options.dangling || isDangling(image);
}

function described(name: string, image: ImageSummary): Omit<KeptImage, 'why'> {
  return { id: image.Id, image: name, key: image.Labels?.[KilnLabel.key] ?? '', repoTags: referencesOf(image).tags };
}

function keepAs(plan: PrunePlan, name: string, image: ImageSummary, why: KeepReason): void {
  plan.kept.push({ ...described(name, image), why });
}
