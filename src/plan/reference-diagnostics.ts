import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { ImageReference } from '../dockerfile/index.js';
import type { ImageSpec } from '../model/project.js';
import type { ProducedReference } from '../model/produced.js';
import { familiarName, referenceParts } from '../model/reference.js';
import { closest } from '../util/suggest.js';
import { describeEdge } from './cycles.js';
import type { ReferenceMatch } from './match-reference.js';

/**
 * An image whose Dockerfile names one of its own produced references: each build would start from
 * its previous one (and with `busybox` as its repository, overwrite the shared base).
 */
export function selfReferenceDiagnostic(image: ImageSpec, reference: ImageReference, producer: ProducedReference): Diagnostic {
  const template = image.tagTemplates?.[producer.tagIndex];
  const from = template !== undefined && template !== producer.tag ? ` (from "${template}")` : '';
  const tagAt = image.locations[`tags.${producer.tagIndex}`];
  return diagnostic('usage', `image "${image.name}" is its own base: ${describeEdge(reference)} names its own tag "${producer.tag}"${from}`, {
    location: reference.location,
    hint: `A build cannot start from its own result: use another repository, a tag of another manifest image (a separate base image), or a published build pinned by digest (${familiarName(producer.repository)}@sha256:…).`,
    ...(tagAt && { related: [{ message: `image "${image.name}" produces "${producer.ref}" here`, location: tagAt }] }),
  });
}

/** A reference to a repository the manifest builds, under a tag none of its images produces. */
export function unproducedTagDiagnostic(image: ImageSpec, reference: ImageReference, match: Extract<ReferenceMatch, { kind: 'unproduced-tag' }>): Diagnostic {
  const repository = familiarName(match.repository);
  const { images, produced } = match.builds;
  const implicit = referenceParts(reference.ref).tag === undefined ? ' (no tag means latest)' : '';
  const byImage = images.map((other) => {
    const tags = produced.filter((p) => p.image === other).map((p) => p.tag);
    return `${tags.length > 0 ? tags.join(' and ') : 'no tags'} (image "${other.name}")`;
  });
  // Its own tags are no suggestion: naming one is the self-reference error.
  const others = produced.filter((p) => p.image !== image);
  const guess = others.find((p) => p.tag === closest(match.tag, others.map((q) => q.tag)));
  const guessAt = guess?.image.locations[`tags.${guess.tagIndex}`];
  return diagnostic(
    'usage',
    `${describeEdge(reference)}: no image of the manifest produces "${repository}:${match.tag}"${implicit}; the manifest's ${repository} images produce ${byImage.join(', ')}`,
    {
      location: reference.location,
      hint: `${guess !== undefined ? `Did you mean "${repository}:${guess.tag}"? ` : ''}Name a tag the manifest produces, or, for a published build of ${repository}, pin it by digest (${repository}@sha256:…).`,
      ...(guess && guessAt && { related: [{ message: `image "${guess.image.name}" produces "${guess.ref}" here`, location: guessAt }] }),
    },
  );
}
