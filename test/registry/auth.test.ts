import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerCredentialStore, createRegistryClient, isRegistryError, type RegistryClient } from '../../src/registry/index.js';
import { pushTestImage, testRegistries, uniqueRepo } from './helpers.js';

const env = testRegistries();

/** Writes `$dir/config.json`. */
async function writeDockerConfig(dir: string, config: unknown): Promise<void> {
  await writeFile(join(dir, 'config.json'), JSON.stringify(config, null, '\t'));
}

/** Puts `docker-credential-kilntest` in `dir`: answers `get` for `host` with the given user and secret. */
async function writeHelper(dir: string, options: { host: string; username: string; secret: string }): Promise<void> {
  const reply = JSON.stringify({ ServerURL: options.host, Username: options.username, Secret: options.secret });
  const script = [
    '#!/bin/sh',
    '[ "$1" = get ] || exit 1',
    'read -r server',
    `if [ "$server" = "${options.host}" ]; then printf '%s' '${reply}'; exit 0; fi`,
    "printf 'credentials not found in native keychain'",
    'exit 1',
  ].join('\n');
  const path = join(dir, 'docker-credential-kilntest');
  await writeFile(path, script);
  await chmod(path, 0o755);
}

describe('authentication against a real htpasswd registry', () => {
  const registries = env;
  let dir: string;
  const clients: RegistryClient[] = [];
  const client = (options: Parameters<typeof createRegistryClient>[0]): RegistryClient => {
    const created = createRegistryClient(options);
    clients.push(created);
    return created;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kiln-registry-auth-'));
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('authenticates with `auths` from config.json in DOCKER_CONFIG', async () => {
    const configDir = join(dir, 'auths');
    await mkdir(configDir);
    const auth = Buffer.from(`${registries.user}:${registries.password}`).toString('base64');
    await writeDockerConfig(configDir, { auths: { [registries.auth]: { auth } } });
    const credentials = createDockerCredentialStore({ env: { DOCKER_CONFIG: configDir } });
    const registry = client({ host: registries.auth, credentials });
    await registry.ping();
    const repo = uniqueRepo('auth');
    const image = await pushTestImage(registry, { repo, tag: 'v1' });
    expect(await registry.listTags(repo)).toEqual(['v1']);
    expect((await registry.headManifest(repo, 'v1'))?.digest).toBe(image.digest);
  });

  it('authenticates through a credential helper found on PATH', async () => {
    const configDir = join(dir, 'helper');
    await mkdir(configDir);
    await writeHelper(configDir, { host: registries.auth, username: registries.user, secret: registries.password });
    await writeDockerConfig(configDir, { credHelpers: { [registries.auth]: 'kilntest' } });
    const credentials = createDockerCredentialStore({
      env: { DOCKER_CONFIG: configDir, PATH: `${configDir}${delimiter}${process.env.PATH ?? ''}` },
    });
    const registry = client({ host: registries.auth, credentials });
    await expect(registry.ping()).resolves.toBeUndefined();
    expect(await registry.listTags(uniqueRepo('helper-none'))).toEqual([]);
  });

  it('rejects wrong credentials with a message naming the host and never the secret', async () => {
    const secret = 'wrong-Pa55word-xyz';
    const registry = client({
      host: registries.auth,
      credentials: { getAuth: () => Promise.resolve({ username: registries.user, password: secret }) },
    });
    const error = await registry.ping().catch((e: unknown) => e);
    expect(isRegistryError(error, 'auth')).toBe(true);
    const message = (error as Error).message;
    expect(message).toBe(`the credentials for ${registries.auth} were rejected`);
    expect(JSON.stringify((error as { toDiagnostic(): unknown }).toDiagnostic())).not.toContain(secret);
    expect((error as { toDiagnostic(): { kind: string } }).toDiagnostic().kind).toBe('unavailable');
  });

  it('asks for a login when no credentials exist', async () => {
    const registry = client({ host: registries.auth });
    const error = await registry.listTags('anything').catch((e: unknown) => e);
    expect(isRegistryError(error, 'auth')).toBe(true);
    expect((error as Error).message).toBe(`registry ${registries.auth} requires authentication`);
  });
});
