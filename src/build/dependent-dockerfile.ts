import { diagnostic, KilnError } from '../diagnostics/diagnostic.js';
import { rewriteReferences } from '../dockerfile/index.js';
import type { DependencyRefs } from './dependency-refs.js';
import type { PreparedImage } from './prepare.js';

/** What {@link dependentDockerfile} needs. */
export interface DependentDockerfileOptions {
  image: PreparedImage;
  /** Every image of the run, for its dependencies' repositories. */
  prepared: ReadonlyMap<string, PreparedImage>;
  /** The image ID each dependency of this run ended with, by name. */
  dependencyIds: ReadonlyMap<string, string>;
  refs: DependencyRefs;
  signal: AbortSignal;
}

/**
 * The Dockerfile a dependent is sent with: every FROM / COPY --from / RUN --mount from= that names
 * a manifest image points at the exact image ID this run's dependency ended with (through its
 * {@link DependencyRefs} reference), never at a tag anyone can move. The key was computed from the
 * text before this rewrite, which keeps every line where it was, so the engine's line numbers are
 * still the user's. Throws a failed KilnError when a reference could not be rewritten: building it
 * would trust a mutable tag.
 */
export async function dependentDockerfile(options: DependentDockerfileOptions): Promise<PreparedImage['dockerfile']> {
  const { image } = options;
  const spec = image.node.spec;
  const edges = image.node.edges.filter((edge) => edge.ref !== undefined);
  if (edges.length === 0) return image.dockerfile;
  const replacements = new Map<string, string>();
  for (const edge of edges) {
    const id = options.dependencyIds.get(edge.dependency);
    const dependency = options.prepared.get(edge.dependency);
    if (id === undefined || dependency === undefined) throw new Error(`dependentDockerfile: ${spec.name} runs before its dependency ${edge.dependency}`);
    replacements.set(edge.ref!, await options.refs.point(dependency.node.spec.repository, id, options.signal));
  }
  const rewritten = rewriteReferences(image.dockerfileText, replacements, { buildArgs: spec.args, ...(spec.platform ? { platform: spec.platform } : {}) });
  const missed = edges.find((edge) => !rewritten.replaced.has(edge.ref!));
  if (missed !== undefined) {
    throw new KilnError(
      diagnostic('failed', `cannot point ${missed.ref} at the exact build of "${missed.dependency}": kiln could not rewrite this reference`, {
        location: missed.location,
        hint: 'Write the reference as a plain word (FROM repo:tag, COPY --from=repo:tag), or report this to kiln.',
      }),
    );
  }
  return { ...image.dockerfile, content: rewritten.text };
}
