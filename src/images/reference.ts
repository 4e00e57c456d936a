// Docker image references (distribution/reference grammar), enough to group `RepoTags` by familiar
// repository name and to parse `repo[:tag]` for tagging. Hand-written because no maintained npm package
// implements ParseNormalizedNamed + FamiliarName; the grammar below follows distribution's regexp.go.

const component = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domain = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const namePattern = new RegExp(`^(?:(${domain})/)?(${component}(?:/${component})*)$`);
const tagPattern = /^[\w][\w.-]{0,127}$/;
const digestPattern = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const hex64 = /^[a-f0-9]{64}$/;

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
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestPattern.test(digest)) return undefined;
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!tagPattern.test(tag)) return undefined;
  }
  if (rest.length === 0 || rest.length > 255 || hex64.test(rest)) return undefined;
  const slash = rest.indexOf('/');
  const first = slash < 0 ? '' : rest.slice(0, slash);
  const hasDomain = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase());
  let name = hasDomain ? rest : `docker.io/${rest}`;
  if (name.startsWith('index.docker.io/')) name = `docker.io/${name.slice('index.docker.io/'.length)}`;
  if (name.startsWith('docker.io/') && !name.slice('docker.io/'.length).includes('/')) {
    name = `docker.io/library/${name.slice('docker.io/'.length)}`;
  }
  const match = namePattern.exec(name);
  if (!match) return undefined;
  let familiar = name;
  if (familiar.startsWith('docker.io/')) {
    familiar = familiar.slice('docker.io/'.length);
    if (familiar.startsWith('library/') && familiar.split('/').length === 2) familiar = familiar.slice('library/'.length);
  }
  return { name, familiar, ...(tag !== undefined && { tag }), ...(digest !== undefined && { digest }) };
}

/** Splits `repo[:tag]` for tagging: the repository as written and the tag (`latest` when absent). */
export function splitRepositoryTag(ref: string): { repository: string; tag: string } | undefined {
  const parsed = parseReference(ref);
  if (parsed === undefined || parsed.digest !== undefined) return undefined;
  const repository = parsed.tag === undefined ? ref : ref.slice(0, ref.length - parsed.tag.length - 1);
  return { repository, tag: parsed.tag ?? 'latest' };
}
