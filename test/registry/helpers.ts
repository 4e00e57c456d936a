import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import type { RegistryClient } from '../../src/registry/index.js';
import { manifestMediaTypes, type Digest } from '../../src/registry/index.js';

/** The real registries of the test environment (see test/global-setup.ts). */
export interface TestRegistries {
  plain: string;
  auth: string;
  user: string;
  password: string;
}

/** The registries from the environment; undefined (skip) locally, a thrown error (fail) in CI. */
export function testRegistries(): TestRegistries | undefined {
  const { KILN_TEST_REGISTRY, KILN_TEST_AUTH_REGISTRY, KILN_TEST_AUTH_USER, KILN_TEST_AUTH_PASSWORD } = process.env;
  if (KILN_TEST_REGISTRY && KILN_TEST_AUTH_REGISTRY && KILN_TEST_AUTH_USER && KILN_TEST_AUTH_PASSWORD) {
    return { plain: KILN_TEST_REGISTRY, auth: KILN_TEST_AUTH_REGISTRY, user: KILN_TEST_AUTH_USER, password: KILN_TEST_AUTH_PASSWORD };
  }
  if (process.env.CI === 'true') throw new Error('KILN_TEST_REGISTRY / KILN_TEST_AUTH_REGISTRY / KILN_TEST_AUTH_USER / KILN_TEST_AUTH_PASSWORD must be set in CI');
  return undefined;
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
