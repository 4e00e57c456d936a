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

// The grammar of github.com/distribution/reference (regexp.go, normalize.go), hand-written:
// there is no maintained npm package for it and it is a dozen lines of regular expressions.
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const PATH = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const HOST_LABEL = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(`^(?:${HOST_LABEL}(?:\\.${HOST_LABEL})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`);
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const HEX64 = /^[a-f0-9]{64}$/;
const NAME_MAX = 255;
const DOCKER_HUB = 'docker.io';

/** Parses and normalizes an image reference; the failure is docker's reason, without a location. */
export function parseReference(ref: string): Result<NormalizedReference, string> {
  if (ref === '') return fail('the reference is empty');
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return fail(`invalid digest "${digest}"`);
    if (digest.startsWith('sha256:') && !/^sha256:[0-9a-f]{64}$/.test(digest)) {
      return fail(`invalid sha256 digest "${digest}" (64 lowercase hex characters expected)`);
    }
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return fail(`invalid tag "${tag}"`);
  }
  if (HEX64.test(rest)) return fail('a 64-character hexadecimal string is an image ID, not a repository name');

  // splitDockerDomain: the first component is a registry only if it looks like a host.
  const slash = rest.indexOf('/');
  const first = slash < 0 ? '' : rest.slice(0, slash);
  const isDomain =
    slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase());
  let domain = isDomain ? first : DOCKER_HUB;
  let path = isDomain ? rest.slice(slash + 1) : rest;
  if (domain === 'index.docker.io') domain = DOCKER_HUB;
  if (domain === DOCKER_HUB && !path.includes('/')) path = `library/${path}`;

  if (!DOMAIN.test(domain)) return fail(`invalid registry host "${domain}"`);
  if (path !== path.toLowerCase()) return fail(`repository name must be lowercase ("${path}")`);
  if (!PATH.test(path)) return fail(`invalid repository name "${path}"`);
  const repository = `${domain}/${path}`;
  if (repository.length > NAME_MAX) return fail(`repository name longer than ${NAME_MAX} characters`);

  const familiarName =
    domain !== DOCKER_HUB ? repository : path.startsWith('library/') && path.split('/').length === 2 ? path.slice(8) : path;
  const familiar = familiarName + (tag !== undefined ? `:${tag}` : '') + (digest !== undefined ? `@${digest}` : '');
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

/** Whether two references name the same repository (`acme/base` and `docker.io/acme/base:1` do). */
export function sameRepository(a: string, b: string): boolean {
  const left = parseReference(a);
  const right = parseReference(b);
  return left.ok && right.ok && left.value.repository === right.value.repository;
}
