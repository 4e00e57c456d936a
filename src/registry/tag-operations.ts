import type { RegistryClient } from './client.js';
import type { RegistryConnection } from './connection.js';
import { RegistryError } from './errors.js';
import { manifestReferences, placeholderManifest, type Digest } from './manifest.js';

/** Copies `fromRepo:ref` to `toRepo:tag`: mounts every blob (an index's children first), then PUTs the same bytes. */
export async function copyManifest(
  client: RegistryClient,
  options: { fromRepo: string; ref: string; toRepo: string; tag: string },
): Promise<Digest> {
  const { fromRepo, ref, toRepo, tag } = options;
  if (fromRepo === toRepo) return client.retag(fromRepo, ref, tag);
  const manifest = await client.getManifest(fromRepo, ref);
  await copyReferences(client, { fromRepo, toRepo, bytes: manifest.bytes });
  return client.putManifest(toRepo, tag, manifest.bytes, manifest.mediaType);
}

async function copyReferences(client: RegistryClient, options: { fromRepo: string; toRepo: string; bytes: Buffer }): Promise<void> {
  const { fromRepo, toRepo } = options;
  const { blobs, children } = manifestReferences(options.bytes);
  await Promise.all(
    blobs.map(async (digest) => {
      if (await client.mountBlob(toRepo, digest, fromRepo)) return;
      throw new RegistryError('not-found', `blob ${digest} of ${fromRepo} could not be mounted into ${toRepo} on ${client.host}`, {
        host: client.host,
        hint: `Check that ${fromRepo} still holds the image, and that your credentials may pull from it.`,
      });
    }),
  );
  // An index's children must exist in the target before the index itself.
  for (const child of children) {
    const manifest = await client.getManifest(fromRepo, child);
    await copyReferences(client, { fromRepo, toRepo, bytes: manifest.bytes });
    await client.putManifest(toRepo, child, manifest.bytes, manifest.mediaType);
  }
}

/**
 * Removes one tag. Tries DELETE by tag (OCI 1.1, distribution 3). distribution 2.8.2 answers 400
 * there, and DELETE by digest would drop every tag of that manifest, so it moves the tag onto a
 * unique placeholder manifest (same references, an extra annotation) and deletes the placeholder.
 */
export async function deleteTag(client: RegistryClient, connection: RegistryConnection, options: { repo: string; tag: string }): Promise<void> {
  const { repo, tag } = options;
  const direct = await connection.call({
    method: 'DELETE',
    path: `/v2/${repo}/manifests/${tag}`,
    scopes: [`repository:${repo}:delete`],
    idempotent: true,
  });
  if (direct.status === 202 || direct.status === 200) return;
  if (direct.status !== 400 && direct.status !== 405) throw connection.error(direct, `tag ${repo}:${tag}`);
  const original = await client.getManifest(repo, tag);
  const placeholder = await client.putManifest(repo, tag, placeholderManifest(original.bytes), original.mediaType);
  try {
    await client.deleteManifest(repo, placeholder);
  } catch (error) {
    // Deletion is not possible (405, no permission): put the tag back where it was.
    await client.putManifest(repo, tag, original.bytes, original.mediaType).catch(() => undefined);
    throw error;
  }
}
