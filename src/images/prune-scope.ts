// What `kiln prune` may touch: the project's images, and only in the repositories its manifest names.
import type { ImageSummary } from '../engine/engine.js';
import { isDependencyRef } from '../model/dependency-ref.js';
import { KilnLabel } from '../model/labels.js';
import type { ImageSpec } from '../model/project.js';
import { isContentTag } from '../push/content-tag.js';
import { matchesTagTemplates } from '../reconcile/tag-patterns.js';
import { parseReference } from './reference.js';

/** The manifest as prune sees it: the project name and, per fully qualified repository, the tags kiln makes in it. */
export interface PruneScope {
  project: string;
  /** Fully qualified repository (`docker.io/library/app`) → tag templates and tags of the manifest images that use it. */
  repositories: ReadonlyMap<string, readonly string[]>;
  /** The references the manifest makes now (`docker.io/library/app:latest`): an image holding one is someone's current build. */
  currentRefs: ReadonlySet<string>;
}

/**
 * The scope of a manifest. Identity is the project name AND the repositories: a name can collide
 * (the default is the folder's name), a repository the manifest names is this project's by
 * definition, and neither depends on where the project is checked out (a CI clone at another path
 * is the same project).
 */
export function pruneScope(project: string, images: Iterable<Pick<ImageSpec, 'repository' | 'tags' | 'tagTemplates'>>): PruneScope {
  const repositories = new Map<string, string[]>();
  const currentRefs = new Set<string>();
  for (const spec of images) {
    const repository = parseReference(spec.repository)?.name;
    if (repository === undefined) continue;
    const tags = repositories.get(repository) ?? [];
    // Literal tags too: `--set app.tags=…` replaces the tags, not the templates.
    tags.push(...(spec.tagTemplates ?? []), ...spec.tags);
    repositories.set(repository, tags);
    for (const tag of spec.tags) currentRefs.add(`${repository}:${tag}`);
  }
  return { project, repositories, currentRefs };
}

/**
 * Whether a reference (`repo:tag` or `repo@digest`) is one kiln makes: a repository of the manifest
 * with one of its tag templates (`${…}` matching any tag text), a content tag `kiln-<20 hex>`, or a
 * dependency reference `kiln-dep-<64 hex>` a killed run left behind.
 * A digest reference of a manifest repository is kiln's too: the engine drops it with the
 * repository's last tag.
 */
export function isOwnReference(scope: PruneScope, ref: string): boolean {
  const parsed = parseReference(ref);
  if (parsed === undefined) return false;
  const templates = scope.repositories.get(parsed.name);
  if (templates === undefined) return false;
  if (parsed.tag === undefined) return parsed.digest !== undefined;
  return isContentTag(parsed.tag) || isDependencyRef(ref) || matchesTagTemplates(parsed.tag, templates);
}

/** Whether a tag reference is one the manifest makes now (its image is the build a manifest tag points at). */
export function isCurrentReference(scope: PruneScope, ref: string): boolean {
  const parsed = parseReference(ref);
  return parsed?.tag !== undefined && scope.currentRefs.has(`${parsed.name}:${parsed.tag}`);
}

/** The references an image carries (tags, then digests), without API < 1.43's `<none>` placeholders. */
export function referencesOf(image: ImageSummary): { tags: string[]; digests: string[] } {
  return {
    tags: (image.RepoTags ?? []).filter((ref) => ref !== '<none>:<none>'),
    digests: (image.RepoDigests ?? []).filter((ref) => ref !== '<none>@<none>'),
  };
}

/** How an image relates to the scope. */
export type ScopeMembership =
  /** This project's build for one of the manifest's repositories. */
  | 'own'
  /** Another project's (other name, or a repository this manifest does not name): never shown, never touched. */
  | 'foreign'
  /** Built before kiln recorded the repository, and no tag proves it is the manifest's: kept. */
  | 'unproven';

/**
 * Whether an image is in scope: the project label matches, and the repository label names a
 * manifest repository. An image without the repository label (built by an older kiln) counts only
 * when one of its tags is an own reference; otherwise (untagged, or only others' tags) it is kept,
 * since a same-named project may have built it.
 */
export function membership(scope: PruneScope, image: ImageSummary): ScopeMembership {
  const labels = image.Labels ?? {};
  if (labels[KilnLabel.project] !== scope.project || !labels[KilnLabel.image] || !labels[KilnLabel.key]) return 'foreign';
  const repository = labels[KilnLabel.repository];
  if (repository !== undefined) {
    const name = parseReference(repository)?.name;
    return name !== undefined && scope.repositories.has(name) ? 'own' : 'foreign';
  }
  return referencesOf(image).tags.some((ref) => isOwnReference(scope, ref)) ? 'own' : 'unproven';
}
