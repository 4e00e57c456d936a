import { familiarName, parseReference as parseNormalized, referenceParts } from '../model/reference.js';

/** A parsed, normalized image reference. */
export interface ImageReference {
  /** Fully qualified name (`docker.io/library/busybox`, `127.0.0.1:5000/acme/api`). */
  name: string;
  /** Short name as docker shows it (`busybox`, `127.0.0.1:5000/acme/api`). */
  familiar: string;
  tag?: string;
  digest?: string;
}

/** Parses like distribution's `ParseNormalizedNamed`; undefined when the reference is invalid. */
export function parseReference(ref: string): ImageReference | undefined {
  const parsed = parseNormalized(ref);
  if (!parsed.ok) return undefined;
  const { repository, tag, digest } = parsed.value;
  return { name: repository, familiar: familiarName(repository), ...(tag !== undefined && { tag }), ...(digest !== undefined && { digest }) };
}

/** Splits `repo[:tag]` for tagging: the repository as written and the tag (`latest` when absent). */
export function splitRepositoryTag(ref: string): { repository: string; tag: string } | undefined {
  const parsed = parseNormalized(ref);
  if (!parsed.ok || parsed.value.digest !== undefined) return undefined;
  return { repository: referenceParts(ref).name, tag: parsed.value.tag ?? 'latest' };
}
