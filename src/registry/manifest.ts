import { createHash, randomUUID } from 'node:crypto';

/** The four manifest media types; every manifest GET/HEAD must accept all of them (see spec §5.2). */
export const manifestMediaTypes = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
} as const;

/** The Accept header value for manifests: without it distribution 2.8.2 rewrites to schema1 (another digest). */
export const manifestAccept = Object.values(manifestMediaTypes).join(', ');

/** A content digest, `sha256:<hex>`. */
export type Digest = `sha256:${string}`;

/** The sha256 digest of exact bytes. */
export function sha256Digest(bytes: Uint8Array): Digest {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Whether a reference is a digest rather than a tag. */
export function isDigest(ref: string): boolean {
  return /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(ref);
}

interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
}

interface ManifestJson {
  mediaType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
  manifests?: Descriptor[];
  annotations?: Record<string, string>;
}

/** What a manifest references: its blobs (config and layers) or, for an index, its child manifests. */
export interface ManifestReferences {
  blobs: string[];
  children: string[];
}

/** Parses a manifest's references without re-serializing it. */
export function manifestReferences(bytes: Buffer): ManifestReferences {
  const json = parseManifest(bytes);
  const blobs = [json.config?.digest, ...(json.layers ?? []).map((l) => l.digest)].filter((d): d is string => typeof d === 'string');
  const children = (json.manifests ?? []).map((m) => m.digest);
  return { blobs: [...new Set(blobs)], children };
}

/** The `mediaType` field of a manifest, if present (OCI makes it optional). */
export function declaredMediaType(bytes: Buffer): string | undefined {
  return parseManifest(bytes).mediaType;
}

/**
 * A unique manifest with the same references, used to untag on registries without tag deletion:
 * put it on the tag, then delete it by digest, and only that tag goes.
 */
export function placeholderManifest(bytes: Buffer): Buffer {
  const json = parseManifest(bytes);
  json.annotations = { ...json.annotations, 'dev.kiln.placeholder': randomUUID() };
  return Buffer.from(JSON.stringify(json));
}

function parseManifest(bytes: Buffer): ManifestJson {
  const value: unknown = JSON.parse(bytes.toString('utf8'));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SyntaxError('a manifest must be a JSON object');
  return value as ManifestJson;
}
