import { canonicalReference } from '../model/reference.js';
import type { ImageFilters, ImageSummary } from '../engine/engine.js';
import { KilnLabel } from '../model/labels.js';

/** One listing of the project's kiln images, indexed the ways a build needs: by reference and by kiln key. */
export interface ImageIndex {
  /** Image ID a reference points at (`busybox` and `docker.io/library/busybox:latest` alike). */
  idOf(ref: string): string | undefined;
  /** The image built for `image` of `project` with `key`, if any. */
  byKey(project: string, image: string, key: string): ImageSummary | undefined;
  /** The image with this ID. */
  byId(id: string): ImageSummary | undefined;
}

/**
 * The filter that lists only the images kiln built for `project`: everything a run needs about its
 * own builds (keys, the tags they hold, the build a tag points at) is on them. The engine still
 * reads every image's config before filtering (20.10 `imageStore.Map()`), but skips the layer sizes
 * and entries of the others, and kiln parses a few entries instead of all.
 */
export function projectImagesFilter(project: string): ImageFilters {
  return { label: [`${KilnLabel.project}=${project}`] };
}

/**
 * Indexes one `GET /images/json` (the project's images, {@link projectImagesFilter}): a no-op
 * build of any size costs this single listing, not a request per image.
 */
export function indexImages(images: ImageSummary[]): ImageIndex {
  const byRef = new Map<string, string>();
  const byKey = new Map<string, ImageSummary>();
  const byId = new Map<string, ImageSummary>();
  for (const image of images) {
    byId.set(image.Id, image);
    for (const tag of image.RepoTags ?? []) if (tag !== '<none>:<none>') byRef.set(canonicalReference(tag), image.Id);
    for (const digest of image.RepoDigests ?? []) if (digest !== '<none>@<none>') byRef.set(canonicalReference(digest), image.Id);
    const labels = image.Labels ?? {};
    const key = labels[KilnLabel.key];
    if (key !== undefined) {
      const id = `${labels[KilnLabel.project]}\0${labels[KilnLabel.image]}\0${key}`;
      // Several images can carry one key (rebuilt with --no-cache): prefer the newest.
      const known = byKey.get(id);
      if (known === undefined || known.Created < image.Created) byKey.set(id, image);
    }
  }
  return {
    idOf: (ref) => byRef.get(canonicalReference(ref)),
    byKey: (project, image, key) => byKey.get(`${project}\0${image}\0${key}`),
    byId: (id) => byId.get(id),
  };
}
