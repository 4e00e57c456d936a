import type { ImageSpec } from './project.js';
import { parseReference } from './reference.js';

/** One reference a manifest image produces: its repository with one of its tags. */
export interface ProducedReference {
  /** As the manifest makes it: `127.0.0.1:5000/acme/nginx:1.27`. */
  ref: string;
  /** Normalized repository: `docker.io/acme/nginx`. */
  repository: string;
  tag: string;
  /** Docker's one form of it (`docker.io/acme/nginx:1.27`), for equality. */
  canonical: string;
  image: ImageSpec;
  /** Index into `image.tags`, for `image.locations['tags.N']`. */
  tagIndex: number;
}

/** What Dockerfile references are matched against: every produced reference, and every manifest repository. */
export interface ProducedIndex {
  /** Canonical reference → the first image that produces it (a second one is a manifest error). */
  byReference: ReadonlyMap<string, ProducedReference>;
  /** Normalized repository → the images of it and every reference they produce, manifest order. */
  byRepository: ReadonlyMap<string, ManifestRepository>;
}

/** A repository the manifest builds: its images (some may have no tags) and what they produce. */
export interface ManifestRepository {
  images: ImageSpec[];
  produced: ProducedReference[];
}

/** The references an image produces, after interpolation and --set; invalid ones (reported by the loader) are left out. */
export function producedReferences(image: ImageSpec): ProducedReference[] {
  return image.tags.flatMap((tag, tagIndex) => {
    const ref = `${image.repository}:${tag}`;
    const parsed = parseReference(ref);
    if (!parsed.ok || parsed.value.tag !== tag) return [];
    const { repository } = parsed.value;
    return [{ ref, repository, tag, canonical: `${repository}:${tag}`, image, tagIndex }];
  });
}

/** Indexes the references the images produce, in manifest order. */
export function producedIndex(images: Iterable<ImageSpec>): ProducedIndex {
  const byReference = new Map<string, ProducedReference>();
  const byRepository = new Map<string, ManifestRepository>();
  for (const image of images) {
    const parsed = parseReference(image.repository);
    if (!parsed.ok) continue; // reported by the loader
    const repository = byRepository.get(parsed.value.repository) ?? { images: [], produced: [] };
    byRepository.set(parsed.value.repository, repository);
    repository.images.push(image);
    for (const produced of producedReferences(image)) {
      if (!byReference.has(produced.canonical)) byReference.set(produced.canonical, produced);
      repository.produced.push(produced);
    }
  }
  return { byReference, byRepository };
}
