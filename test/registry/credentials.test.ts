import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KilnError } from '../../src/diagnostics/diagnostic.js';
import { createDockerCredentialStore, encodeEngineAuthHeader, toEngineAuth } from '../../src/registry/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-credentials-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function storeWith(name: string, config: unknown, helper?: string) {
  const configDir = await mkdtemp(join(dir, `${name}-`));
  await writeFile(join(configDir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  if (helper !== undefined) {
    const path = join(configDir, 'docker-credential-kilntest');
    await writeFile(path, `#!/bin/sh\nread -r server\n${helper}\n`);
    await chmod(path, 0o755);
  }
  return createDockerCredentialStore({ env: { DOCKER_CONFIG: configDir, PATH: `${configDir}${delimiter}${process.env.PATH ?? ''}` } });
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('docker credential store', () => {
  it('decodes `auths` (password may contain colons), and legacy keys with a scheme', async () => {
    const store = await storeWith('auths', {
      auths: { 'reg.example:5000': { auth: b64('ann:pa:ss') }, 'https://index.docker.io/v1/': { auth: b64('hub:pw') }, 'https://old.example/v1/': { auth: b64('o:p') } },
    });
    expect(await store.getAuth('reg.example:5000')).toEqual({ username: 'ann', password: 'pa:ss' });
    expect(await store.getAuth('docker.io')).toEqual({ username: 'hub', password: 'pw' });
    expect(await store.getAuth('old.example')).toEqual({ username: 'o', password: 'p' });
    expect(await store.getAuth('other.example')).toBeUndefined();
  });

  it('prefers identitytoken in `auths`', async () => {
    const store = await storeWith('idtok', { auths: { 'r.example': { auth: b64('u:p'), identitytoken: 'refresh-me' } } });
    expect(await store.getAuth('r.example')).toEqual({ identitytoken: 'refresh-me' });
  });

  it('uses credHelpers before credsStore before auths, and maps `<token>` to an identity token', async () => {
    const store = await storeWith(
      'helpers',
      { credsStore: 'kilntest', credHelpers: { 'tok.example': 'kilntest' }, auths: { 'a.example': { auth: b64('file:pw') } } },
      `case "$server" in
tok.example) printf '{"ServerURL":"tok.example","Username":"<token>","Secret":"idt"}';;
a.example) printf '{"ServerURL":"a.example","Username":"helper","Secret":"hs"}';;
*) printf 'credentials not found in native keychain'; exit 1;;
esac`,
    );
    expect(await store.getAuth('tok.example')).toEqual({ identitytoken: 'idt' });
    // credsStore wins over the file entry, as in the docker CLI.
    expect(await store.getAuth('a.example')).toEqual({ username: 'helper', password: 'hs' });
    expect(await store.getAuth('none.example')).toBeUndefined();
  });

  it('reports a helper that is missing or fails', async () => {
    const missing = await storeWith('missing', { credHelpers: { 'm.example': 'does-not-exist-kiln' } });
    await expect(missing.getAuth('m.example')).rejects.toThrow(/docker-credential-does-not-exist-kiln could not be run/);
    const failing = await storeWith('failing', { credsStore: 'kilntest' }, "printf 'keychain locked'; exit 1");
    // Its output is never shown: a helper may echo a secret.
    await expect(failing.getAuth('f.example')).rejects.toThrow(/^credential helper docker-credential-kilntest failed for f\.example \(exit code 1\)$/);
  });

  it('treats a missing config.json as anonymous and a broken one as a usage error', async () => {
    const none = createDockerCredentialStore({ env: { DOCKER_CONFIG: join(dir, 'does-not-exist') } });
    expect(await none.getAuth('x.example')).toBeUndefined();
    const broken = await storeWith('broken', '{ not json');
    const error = await broken.getAuth('x.example').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KilnError);
    expect((error as KilnError).diagnostics[0]?.kind).toBe('usage');
  });

  it('lets DOCKER_AUTH_CONFIG override the stores', async () => {
    const store = createDockerCredentialStore({
      env: { DOCKER_CONFIG: join(dir, 'does-not-exist'), DOCKER_AUTH_CONFIG: JSON.stringify({ auths: { 'e.example': { auth: b64('env:pw') } } }) },
    });
    expect(await store.getAuth('e.example')).toEqual({ username: 'env', password: 'pw' });
  });
});

describe('engine auth', () => {
  it('builds AuthConfig with docker keys as serveraddress', () => {
    expect(toEngineAuth('127.0.0.1:5000', { username: 'u', password: 'p' })).toEqual({ username: 'u', password: 'p', serveraddress: '127.0.0.1:5000' });
    expect(toEngineAuth('docker.io', { identitytoken: 't' })).toEqual({ identitytoken: 't', serveraddress: 'https://index.docker.io/v1/' });
  });

  it('encodes X-Registry-Auth as padded base64url', () => {
    const header = encodeEngineAuthHeader({ username: 'u?>', password: 'p' });
    expect(header).toMatch(/^[A-Za-z0-9_-]+=*$/);
    expect(header.length % 4).toBe(0);
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ username: 'u?>', password: 'p' });
  });
});
