import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRegistryClient, type RegistryClient } from '../../src/registry/index.js';
import { services } from '../helpers/services.js';

/**
 * Two images under `<registry>/{{id}}`: `base`, and `app` FROM it. `app` is tagged
 * `${VERSION:-1}` and `latest`, so `--var VERSION=…` changes its tags without changing its key.
 */
export function pushRepo(registry: string = services().registry): Record<string, string> {
  const prefix = `${registry}/{{id}}`;
  return {
    'images.yaml': [
      'version: 1',
      'name: "{{id}}"',
      `registry: ${prefix}`,
      'images:',
      '  base: { context: base }',
      '  app: { context: app, tags: ["${VERSION:-1}", latest] }',
      '',
    ].join('\n'),
    'base/Dockerfile': `FROM ${services().baseImage}\nCOPY motd /etc/motd\n`,
    'base/motd': 'base {{id}}\n',
    'app/Dockerfile': `FROM ${prefix}/base:latest\nCOPY main.sh /main.sh\n`,
    'app/main.sh': 'echo app v1 {{id}}\n',
  };
}

/** A DOCKER_CONFIG folder holding `auths` for the given hosts (or none). */
export async function dockerConfig(auths: Record<string, { user: string; password: string }> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kiln-docker-config-'));
  const entries = Object.fromEntries(Object.entries(auths).map(([host, c]) => [host, { auth: Buffer.from(`${c.user}:${c.password}`).toString('base64') }]));
  await writeFile(join(dir, 'config.json'), JSON.stringify({ auths: entries }));
  return dir;
}

/** A client of the plain test registry (or the auth one, with its credentials). */
export function registryClient(host: string = services().registry): RegistryClient {
  const s = services();
  return createRegistryClient({
    host,
    ...(host === s.authRegistry ? { credentials: { getAuth: async () => ({ username: s.authUser, password: s.authPassword }) } } : {}),
  });
}

/** Every tag of a repository and its digest. */
export async function tagsOf(client: RegistryClient, repo: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const tag of await client.listTags(repo)) result[tag] = (await client.headManifest(repo, tag))!.digest;
  return result;
}
