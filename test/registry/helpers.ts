import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import type { RegistryClient } from '../../src/registry/index.js';
import { manifestMediaTypes, type Digest } from '../../src/registry/index.js';
import { services } from '../helpers/services.js';

/** The real registries of the test environment (see test/global-setup.ts). */
export interface TestRegistries {
  plain: string;
  auth: string;
  user: string;
  password: string;
}

/** The registries from the environment; throws when they are missing (a test fails, never skips). */
export function testRegistries(): TestRegistries {
  const s = services();
  if (!s.authUser || !s.authPassword) throw new Error('KILN_TEST_AUTH_USER / KILN_TEST_AUTH_PASSWORD not set: the test services did not start');
  return { plain: s.registry, auth: s.authRegistry, user: s.authUser, password: s.authPassword };
}

/** A repository name no other test run uses. */
export function uniqueRepo(label: string): string {
  return `kiln-test/${label}-${randomBytes(4).toString('hex')}`;
}

/** A gzipped tar holding one small file, so the layer is a real one. */
async function layerTarGz(content: string): Promise<Buffer> {
  const tar = pack();
  tar.entry({ name: 'hello.txt', mode: 0o644, mtime: new Date(0) }, content);
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  return gzipSync(Buffer.concat(chunks));
}

/** What pushTestImage stored. */
export interface PushedImage {
  digest: Digest;
  bytes: Buffer;
  configDigest: Digest;
  layerDigest: Digest;
  layerSize: number;
}

/** Pushes a tiny OCI image (config + one layer + manifest) through the client, blob by blob. */
export async function pushTestImage(client: RegistryClient, options: { repo: string; tag: string; content?: string }): Promise<PushedImage> {
  const layer = await layerTarGz(options.content ?? `hello from ${options.repo}\n`);
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [] } }),
  );
  const configDigest = await client.uploadBlob(options.repo, config);
  const layerDigest = await client.uploadBlob(options.repo, layer);
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: manifestMediaTypes.ociManifest,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layer.length }],
    }),
  );
  const digest = await client.putManifest(options.repo, options.tag, bytes, manifestMediaTypes.ociManifest);
  return { digest, bytes, configDigest, layerDigest, layerSize: layer.length };
}
