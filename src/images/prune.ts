// `kiln prune`: which of this project's kiln images to remove, then removing them.
import type { Engine, ImageSummary } from '../engine/engine.js';
import { KilnLabel } from '../model/labels.js';
import { isDangling } from './image-rows.js';
import { parseReference } from './reference.js';

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
  repoTags: string[];
  size: number;
  /** Unix seconds. */
  created: number;
  reason: PruneReason;
  /** Removal by ID needs force because several tags point at it (docker's "referenced in multiple repositories"). */
  force: boolean;
}

/** What to prune. */
export interface PruneOptions {
  project: string;
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

/** How many tag references an image has; docker refuses to delete such an image by ID without force when > 1. */
function tagCount(image: ImageSummary): number {
  return (image.RepoTags ?? []).filter((ref) => parseReference(ref)?.tag !== undefined).length;
}

/**
 * Chooses this project's kiln images to remove: not current, beyond the newest `keep` builds of
 * their manifest image, not in use, and matching `until` / `dangling`. Other projects' images and
 * images without kiln's labels are never chosen.
 */
export function planPrune(images: readonly ImageSummary[], options: PruneOptions): PruneCandidate[] {
  const keep = Math.max(0, options.keep ?? 1);
  const byImage = new Map<string, ImageSummary[]>();
  for (const image of images) {
    const labels = image.Labels ?? {};
    const name = labels[KilnLabel.image];
    if (labels[KilnLabel.project] !== options.project || !name || !labels[KilnLabel.key]) continue;
    const list = byImage.get(name) ?? [];
    list.push(image);
    byImage.set(name, list);
  }
  const candidates: PruneCandidate[] = [];
  for (const [name, builds] of byImage) {
    const currentKey = options.currentKeys.get(name);
    if (currentKey === undefined && !options.all) continue;
    const isCurrent = (image: ImageSummary): boolean => image.Labels?.[KilnLabel.key] === currentKey;
    // Newest first, the current build ahead of all: it takes one of the `keep` places.
    const ordered = [...builds].sort((a, b) => Number(isCurrent(b)) - Number(isCurrent(a)) || b.Created - a.Created || (a.Id < b.Id ? -1 : 1));
    const kept = currentKey === undefined ? 0 : keep;
    ordered.forEach((image, index) => {
      if (isCurrent(image) || index < kept) return;
      if (options.inUse.has(image.Id)) return;
      if (options.until !== undefined && image.Created * 1000 >= options.until.getTime()) return;
      if (options.dangling && !isDangling(image)) return;
      candidates.push({
        id: image.Id,
        image: name,
        key: image.Labels?.[KilnLabel.key] ?? '',
        repoTags: (image.RepoTags ?? []).filter((ref) => ref !== '<none>:<none>'),
        size: image.Size,
        created: image.Created,
        reason: currentKey === undefined ? 'removed-from-manifest' : 'superseded',
        force: tagCount(image) > 1,
      });
    });
  }
  return candidates;
}

/** What applyPrune did. */
export interface PruneResult {
  removed: PruneCandidate[];
  /** Candidates left alone: in use by now, or the engine refused (message from the engine). */
  skipped: { candidate: PruneCandidate; reason: string }[];
  /** Sum of the sizes of the images actually deleted. */
  freedBytes: number;
}

/**
 * Removes the candidates by ID. Force is used only for images with several tags, and never for an
 * image a container uses (checked again right before removing, since containers may have appeared).
 */
export async function applyPrune(engine: Engine, candidates: readonly PruneCandidate[], signal?: AbortSignal): Promise<PruneResult> {
  const result: PruneResult = { removed: [], skipped: [], freedBytes: 0 };
  if (candidates.length === 0) return result;
  const inUse = await engine.imagesInUse(signal);
  for (const candidate of candidates) {
    if (inUse.has(candidate.id)) {
      result.skipped.push({ candidate, reason: 'in use by a container' });
      continue;
    }
    try {
      const items = await engine.removeImage(candidate.id, { force: candidate.force }, signal);
      if (items.some((item) => item.Deleted === candidate.id)) {
        result.removed.push(candidate);
        result.freedBytes += candidate.size;
      } else {
        result.skipped.push({ candidate, reason: 'the engine untagged it but kept the image' });
      }
    } catch (error) {
      if (signal?.aborted) throw error;
      result.skipped.push({ candidate, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return result;
}
