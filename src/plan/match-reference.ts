import type { ManifestRepository, ProducedIndex, ProducedReference } from '../model/produced.js';
import { normalizeReference } from '../model/reference.js';

/** What a Dockerfile image reference names, by the edge rule. */
export type ReferenceMatch =
  /** Not a manifest image: a base image from outside (a digest is always one). */
  | { kind: 'external' }
  /** Exactly a reference a manifest image produces: an edge to that image (or a self-reference). */
  | { kind: 'produced'; producer: ProducedReference }
  /** A repository the manifest builds, under a tag no image of it produces. */
  | { kind: 'unproduced-tag'; repository: string; tag: string; builds: ManifestRepository };

/**
 * Matches a reference (already validated) against what the manifest produces, compared as docker
 * normalizes: `docker.io/` and `library/` optional, a missing tag meaning `latest`. The tag takes
 * part: `acme/nginx:1.27` names the image tagged 1.27, not whichever image of acme/nginx came last.
 */
export function matchReference(ref: string, index: ProducedIndex): ReferenceMatch {
  const normalized = normalizeReference(ref);
  // A digest names one published build; kiln's builds are not known by digest before they exist.
  if (normalized.digest !== undefined) return { kind: 'external' };
  const tag = normalized.tag ?? 'latest';
  const producer = index.byReference.get(`${normalized.repository}:${tag}`);
  if (producer !== undefined) return { kind: 'produced', producer };
  const builds = index.byRepository.get(normalized.repository);
  if (builds !== undefined) return { kind: 'unproduced-tag', repository: normalized.repository, tag, builds };
  return { kind: 'external' };
}
