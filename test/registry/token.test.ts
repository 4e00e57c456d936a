import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryClient, isRegistryError, type RegistryClient } from '../../src/registry/index.js';
import { pushTestImage, testRegistries, uniqueRepo } from './helpers.js';
import { startTokenGate, type TokenGate } from './token-gate.js';

const env = testRegistries();

describe('Bearer token auth (a token server and gate in front of the real registry)', () => {
  let gate: TokenGate;
  const clients: RegistryClient[] = [];
  const connect = (credentials: Parameters<typeof createRegistryClient>[0]['credentials']): RegistryClient => {
    const client = createRegistryClient({ host: gate.host, ...(credentials ? { credentials } : {}) });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    gate = await startTokenGate({ target: env.plain, user: 'tok', password: 'tok-pw', identityToken: 'idt-ok' });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await gate.close();
  });

  it('fetches a token per scope set, caches it, and sends two scopes for a mount', async () => {
    const client = connect({ getAuth: () => Promise.resolve({ username: 'tok', password: 'tok-pw' }) });
    const from = uniqueRepo('tok-src');
    const to = uniqueRepo('tok-dst');
    const start = gate.tokenRequests.length;
    await pushTestImage(client, { repo: from, tag: 'v1' });
    await client.listTags(from);
    await client.listTags(from);
    await client.headManifest(from, 'v1');
    await client.copyManifest(from, 'v1', to, 'v1');
    expect(await client.listTags(to)).toEqual(['v1']);
    const requested = gate.tokenRequests.slice(start).map((r) => r.scopes.join(' '));
    // one token per scope set, reused across calls (pull from, push from, mount, push to, pull to)
    expect(new Set(requested).size).toBe(requested.length);
    expect(requested).toContain(`repository:${from}:pull`);
    const mount = gate.tokenRequests.find((r) => r.scopes.length === 2);
    expect(mount).toEqual({ method: 'GET', scopes: [`repository:${to}:pull,push`, `repository:${from}:pull`], account: 'tok' });
  });

  it('uses an identity token as an OAuth2 refresh token', async () => {
    const client = connect({ getAuth: () => Promise.resolve({ identitytoken: 'idt-ok' }) });
    await client.listTags(uniqueRepo('tok-idt'));
    expect(gate.tokenRequests.at(-1)?.method).toBe('POST');
  });

  it('reports rejected credentials at the token server without the secret', async () => {
    const client = connect({ getAuth: () => Promise.resolve({ username: 'tok', password: 'not-the-password' }) });
    const error = await client.listTags('x').catch((e: unknown) => e);
    expect(isRegistryError(error, 'auth')).toBe(true);
    expect((error as Error).message).toBe(`the credentials for ${gate.host} were rejected (by the token server)`);
    expect((error as Error).message).not.toContain('not-the-password');
  });
});
