import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryClient, isRegistryError, type RegistryClient } from '../../src/registry/index.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { pushTestImage, testRegistries, uniqueRepo } from './helpers.js';

const env = testRegistries();

describe('retries and timeouts through a fault-injecting proxy in front of the real registry', () => {
  let proxy: FaultProxy;
  let client: RegistryClient;
  const repo = uniqueRepo('faults');

  beforeAll(async () => {
    proxy = await startFaultProxy(env.plain);
    client = createRegistryClient({ host: proxy.host, timeoutMs: 300, retries: 3, retryDelayMs: 10 });
    await pushTestImage(client, { repo, tag: 'v1' });
  });
  afterAll(async () => {
    await client.close();
    await proxy.close();
  });

  /** Runs `op` with the faults queued, returning how many requests reached the proxy. */
  async function withFaults<T>(faults: FaultProxy['faults'], op: () => Promise<T>): Promise<{ value: T; requests: number }> {
    proxy.faults = [...faults];
    const before = proxy.seen.length;
    const value = await op();
    return { value, requests: proxy.seen.length - before };
  }

  it('retries 500s and succeeds', async () => {
    const { value, requests } = await withFaults([{ kind: 'status', status: 500 }, { kind: 'status', status: 502 }], () => client.getManifest(repo, 'v1'));
    expect(value.bytes.length).toBeGreaterThan(0);
    expect(requests).toBe(3);
  });

  it('honours Retry-After on 429', async () => {
    const started = Date.now();
    const { requests } = await withFaults([{ kind: 'status', status: 429, retryAfter: '1' }], () => client.listTags(repo));
    expect(requests).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('retries a response slower than the timeout', async () => {
    const { value, requests } = await withFaults([{ kind: 'slow', delayMs: 1_000 }], () => client.headManifest(repo, 'v1'));
    expect(value?.digest).toMatch(/^sha256:/);
    expect(requests).toBe(2);
  });

  it('retries a destroyed socket, including a manifest PUT', async () => {
    const manifest = await client.getManifest(repo, 'v1');
    const { value, requests } = await withFaults([{ kind: 'destroy' }], () => client.putManifest(repo, 'v2', manifest.bytes, manifest.mediaType));
    expect(value).toBe(manifest.digest);
    expect(requests).toBe(2);
  });

  it('gives up after the retries with an unavailable error naming the host', async () => {
    const faults = Array.from({ length: 4 }, () => ({ kind: 'status' as const, status: 503 }));
    const error = await withFaults(faults, () => client.getManifest(repo, 'v1')).catch((e: unknown) => e);
    expect(isRegistryError(error, 'unavailable')).toBe(true);
    expect((error as Error).message).toBe(`registry ${proxy.host} answered 503 to GET /v2/${repo}/manifests/v1 after 4 attempts`);
  });

  it('does not retry an upload POST', async () => {
    const before = proxy.seen.length;
    proxy.faults = [{ kind: 'pass' }, { kind: 'status', status: 500 }];
    const error = await client.uploadBlob(repo, Buffer.from(`fresh ${Date.now()}`)).catch((e: unknown) => e);
    expect(isRegistryError(error, 'unavailable')).toBe(true);
    // HEAD (blob exists?) then one POST, not retried
    expect(proxy.seen.slice(before).map((s) => s.line.split(' ')[0])).toEqual(['HEAD', 'POST']);
  });

  it('reports a timeout that persists', async () => {
    const faults = Array.from({ length: 4 }, () => ({ kind: 'slow' as const, delayMs: 1_000 }));
    const error = await withFaults(faults, () => client.listTags(repo)).catch((e: unknown) => e);
    expect(isRegistryError(error, 'unavailable')).toBe(true);
    expect((error as Error).message).toBe(`registry ${proxy.host} failed: no response within 300 ms (GET /v2/${repo}/tags/list) after 4 attempts`);
  });
});

describe('a registry that is down', () => {
  it('is unavailable, naming the host', async () => {
    const client = createRegistryClient({ host: '127.0.0.1:5999', retryDelayMs: 10 });
    const error = await client.ping().catch((e: unknown) => e);
    await client.close();
    expect(isRegistryError(error, 'unavailable')).toBe(true);
    expect((error as Error).message).toBe('registry 127.0.0.1:5999 is not reachable: connection refused');
    expect((error as { toDiagnostic(): { kind: string } }).toDiagnostic().kind).toBe('unavailable');
  });
});
