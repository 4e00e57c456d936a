import { KilnError, diagnostic } from '../diagnostics/diagnostic.js';
import { fail, ok, type Result } from '../util/result.js';

/** An image reference split and normalized as docker does. */
export interface NormalizedReference {
  /** Fully qualified repository: `docker.io/library/busybox`, `127.0.0.1:5000/acme/api`. */
  repository: string;
  /** As written; absent means the engine uses `latest` (unless a digest is given). */
  tag?: string;
  digest?: string;
  /** The short form docker prints: `busybox`, `acme/api:1`, `127.0.0.1:5000/acme/api:1`. */
  familiar: string;
}

/** A reference cut into its written parts, without validating any of them. */
export interface ReferenceParts {
  /** The repository as written (`busybox`, `127.0.0.1:5000/acme/api`). */
  name: string;
  tag?: string;
  digest?: string;
}

// The one owner of the grammar of github.com/distribution/reference (regexp.go, normalize.go), which
// the engine enforces. Hand-written: no maintained npm package implements ParseNormalizedNamed and
// FamiliarName, and the grammar is a dozen lines of regular expressions.
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const PATH = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const HOST_LABEL = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(`^(?:${HOST_LABEL}(?:\\.${HOST_LABEL})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`);
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const HEX64 = /^[a-f0-9]{64}$/;
const NAME_MAX = 255;
const DOCKER_HUB = 'docker.io';

/**
 * Cuts `name[:tag][@digest]` where docker does: the digest after `@`, the tag after the last colon
 * that follows the last slash (a colon before it is a registry port).
 */
export function referenceParts(ref: string): ReferenceParts {
  let name = ref;
  let digest: string | undefined;
  const at = name.indexOf('@');
  if (at >= 0) {
    digest = name.slice(at + 1);
    name = name.slice(0, at);
  }
  let tag: string | undefined;
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) {
    tag = name.slice(colon + 1);
    name = name.slice(0, colon);
  }
  return { name, ...(tag !== undefined && { tag }), ...(digest !== undefined && { digest }) };
}

/** Parses and normalizes an image reference; the failure is docker's reason, without a location. */
export function parseReference(ref: string): Result<NormalizedReference, string> {
  if (ref === '') return fail('the reference is empty');
  const { name, tag, digest } = referenceParts(ref);
  if (digest !== undefined) {
    if (!DIGEST.test(digest)) return fail(`invalid digest "${digest}"`);
    if (digest.startsWith('sha256:') && !/^sha256:[0-9a-f]{64}$/.test(digest)) {
      return fail(`invalid sha256 digest "${digest}" (64 lowercase hex characters expected)`);
    }
  }
  if (tag !== undefined && !TAG.test(tag)) return fail(`invalid tag "${tag}"`);
  if (HEX64.test(name)) return fail('a 64-character hexadecimal string is an image ID, not a repository name');

  // splitDockerDomain: the first component is a registry only if it looks like a host.
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const isDomain =
    slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase());
  let domain = isDomain ? first : DOCKER_HUB;
  let path = isDomain ? name.slice(slash + 1) : name;
  if (domain === 'index.docker.io') domain = DOCKER_HUB;
  if (domain === DOCKER_HUB && !path.includes('/')) path = `library/${path}`;

  if (!DOMAIN.test(domain)) return fail(`invalid registry host "${domain}"`);
  if (path !== path.toLowerCase()) return fail(`repository name must be lowercase ("${path}")`);
  if (!PATH.test(path)) return fail(`invalid repository name "${path}"`);
  const repository = `${domain}/${path}`;
  if (repository.length > NAME_MAX) return fail(`repository name longer than ${NAME_MAX} characters`);

  const familiar = familiarName(repository) + (tag !== undefined ? `:${tag}` : '') + (digest !== undefined ? `@${digest}` : '');
  return ok({ repository, ...(tag !== undefined && { tag }), ...(digest !== undefined && { digest }), familiar });
}

/**
 * Normalizes a reference analyzeDockerfile already validated (or the manifest did).
 * An invalid reference here is the caller's bug in validation, so it throws a KilnError.
 */
export function normalizeReference(ref: string): NormalizedReference {
  const parsed = parseReference(ref);
  if (parsed.ok) return parsed.value;
  throw new KilnError(diagnostic('usage', `invalid image reference "${ref}": ${parsed.error}`));
}

/**
 * The one form docker gives every spelling of a reference (`acme/x`, `docker.io/acme/x:latest`):
 * `repository:tag`, a missing tag meaning `latest`, or `repository@digest`. For map keys and equality.
 */
export function canonicalReference(ref: string): string {
  const n = normalizeReference(ref);
  return n.digest ? `${n.repository}@${n.digest}` : `${n.repository}:${n.tag ?? 'latest'}`;
}

/** The short name docker prints for a fully qualified repository (`docker.io/library/busybox` → `busybox`). */
export function familiarName(repository: string): string {
  if (!repository.startsWith(`${DOCKER_HUB}/`)) return repository;
  const path = repository.slice(DOCKER_HUB.length + 1);
  return path.startsWith('library/') && path.split('/').length === 2 ? path.slice('library/'.length) : path;
}

/** Splits a fully qualified repository (`docker.io/library/busybox`) into registry host and path. */
export function registryHostAndPath(repository: string): { host: string; path: string } {
  const slash = repository.indexOf('/');
  return { host: repository.slice(0, slash), path: repository.slice(slash + 1) };
}

/** Whether two references name the same repository (`acme/base` and `docker.io/acme/base:1` do). */
export function sameRepository(a: string, b: string): boolean {
  const left = parseReference(a);
  const right = parseReference(b);
  return left.ok && right.ok && left.value.repository === right.value.repository;
}

/** Whether `value` is a valid docker tag (`latest`, `1.2.0`, `sha-abc`). */
export function isValidTag(value: string): boolean {
  return TAG.test(value);
}

/** Whether `value` is a valid repository name without tag or digest (`127.0.0.1:5000/acme/api`). */
export function isValidRepository(value: string): boolean {
  const parsed = parseReference(value);
  return parsed.ok && parsed.value.tag === undefined && parsed.value.digest === undefined;
}
