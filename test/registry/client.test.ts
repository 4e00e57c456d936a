import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createRegistryClient, isRegistryError, manifestMediaTypes } from '../../src/registry/index.js';
import { pushTestImage, testRegistries, uniqueRepo } from './helpers.js';

const env = testRegistries();

describe('registry client against a real distribution registry', () => {
  const client = createRegistryClient({ host: env?.plain ?? '' });
  afterAll(() => client.close());

  it('pings', async () => {
    await expect(client.ping()).resolves.toBeUndefined();
  });

  it('lists tags sorted, and [] for an unknown repository', async () => {
    const repo = uniqueRepo('tags');
    const image = await pushTestImage(client, { repo, tag: 'b' });
    for (const tag of ['3', 'a', '10', 'retagged', '1']) await client.putManifest(repo, tag, image.bytes, manifestMediaTypes.ociManifest);
    expect(await client.listTags(repo)).toEqual(['1', '10', '3', 'a', 'b', 'retagged']);
    expect(await client.listTags(uniqueRepo('nothing-here'))).toEqual([]);
  });

  it('gives one digest by HEAD, by GET and by hashing the bytes', async () => {
    const repo = uniqueRepo('digest');
    const image = await pushTestImage(client, { repo, tag: 'v1' });
    const head = await client.headManifest(repo, 'v1');
    const got = await client.getManifest(repo, 'v1');
    const hashed = `sha256:${createHash('sha256').update(got.bytes).digest('hex')}`;
    expect(head).toEqual({ digest: image.digest, mediaType: manifestMediaTypes.ociManifest, size: image.bytes.length });
    expect(got.digest).toBe(image.digest);
    expect(hashed).toBe(image.digest);
    expect(got.bytes.equals(image.bytes)).toBe(true);
    expect((await client.getManifest(repo, image.digest)).digest).toBe(image.digest);
    expect(await client.headManifest(repo, 'missing')).toBeUndefined();
  });

  it('reports a missing manifest as not-found', async () => {
    const error = await client.getManifest(uniqueRepo('none'), 'latest').catch((e: unknown) => e);
    expect(isRegistryError(error, 'not-found')).toBe(true);
    expect(String(error)).toContain('not found in');
  });

  it('retags without uploading a blob', async () => {
    const repo = uniqueRepo('retag');
    const image = await pushTestImage(client, { repo, tag: 'build-1' });
    const before = { ...client.stats };
    expect(await client.retag(repo, 'build-1', 'latest')).toBe(image.digest);
    expect(client.stats.blobUploads - before.blobUploads).toBe(0);
    expect(client.stats.blobBytesUploaded - before.blobBytesUploaded).toBe(0);
    expect(client.stats.manifestPuts - before.manifestPuts).toBe(1);
    expect(await client.listTags(repo)).toEqual(['build-1', 'latest']);
  });

  it('copies across repositories by mounting blobs', async () => {
    const from = uniqueRepo('mount-src');
    const to = uniqueRepo('mount-dst');
    const image = await pushTestImage(client, { repo: from, tag: 'v1' });
    const before = { ...client.stats };
    expect(await client.copyManifest(from, 'v1', to, 'copied')).toBe(image.digest);
    expect(client.stats.blobMounts - before.blobMounts).toBe(2);
    expect(client.stats.blobBytesUploaded - before.blobBytesUploaded).toBe(0);
    expect(await client.blobExists(to, image.layerDigest)).toBe(true);
    expect((await client.headManifest(to, 'copied'))?.digest).toBe(image.digest);
  });

  it('reports a blob that cannot be mounted, and cancels the upload session', async () => {
    const to = uniqueRepo('mount-miss');
    const missing = `sha256:${'0'.repeat(64)}`;
    expect(await client.mountBlob(to, missing, uniqueRepo('nowhere'))).toBe(false);
  });

  it('deletes one tag and keeps the other tag of the same digest', async () => {
    const repo = uniqueRepo('deltag');
    const image = await pushTestImage(client, { repo, tag: 'keep' });
    await client.retag(repo, 'keep', 'drop');
    await client.deleteTag(repo, 'drop');
    expect(await client.listTags(repo)).toEqual(['keep']);
    expect((await client.headManifest(repo, 'keep'))?.digest).toBe(image.digest);
    const error = await client.deleteTag(repo, 'drop').catch((e: unknown) => e);
    expect(isRegistryError(error, 'not-found')).toBe(true);
  });

  it('deletes a manifest by digest, and lists [] when no tag is left', async () => {
    const repo = uniqueRepo('delman');
    const image = await pushTestImage(client, { repo, tag: 'only' });
    await client.deleteManifest(repo, image.digest);
    expect(await client.listTags(repo)).toEqual([]);
  });
});
