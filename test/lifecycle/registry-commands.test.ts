// Auth-registry bases, search over a paginated catalog, Docker Hub offline, commit, tag and rm.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryClient } from '../../src/registry/index.js';
import { matchesTerm } from '../../src/cli/commands/search.js';
import { cleanup, fixture, type Fixture } from './fixture.js';

describe('registry and engine commands', () => {
  let f: Fixture;
  let secret = '';

  beforeAll(async () => {
    f = await fixture();
    secret = `${f.s.authRegistry}/${f.project.id}-secret:1`;
    f.login();
    f.docker('tag', f.s.baseImage, secret);
    f.docker('push', '-q', secret);
    f.docker('rmi', secret);
  }, 300_000);

  afterAll(async () => {
    cleanup(f);
    await f.project.remove();
  });

  it('a base on a registry that needs auth is pulled with docker credentials before the build', async () => {
    await f.project.write({ 'app/Dockerfile': `FROM ${secret}\nCOPY f /f\n` });
    rmSync(join(f.project.root, '.docker', 'config.json'));
    const anonymous = await f.kiln(['build', '--progress', 'plain']);
    expect(anonymous.code).not.toBe(0);
    f.login();
    const r = await f.kiln(['build', '--progress', 'plain']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(f.docker('images', '-q', secret).trim()).not.toBe('');
    const locked = await f.kiln(['lock']);
    expect(locked.code).toBe(0);
    expect(locked.stdout).toMatch(new RegExp(`${secret.replaceAll('.', '\\.')}: sha256:[0-9a-f]{64} added`));
  });

  it('tag re-applies manifest tags to the current build; tag SOURCE TARGET; rm', async () => {
    // The lock written above pins the base by digest, which changes the key: back to the built one.
    rmSync(join(f.project.root, 'kiln.lock'));
    const id = f.docker('image', 'inspect', '-f', '{{.Id}}', `${f.project.id}-app:latest`).trim();
    f.docker('tag', id, `${f.project.id}-keep:1`);
    f.docker('rmi', `${f.project.id}-app:latest`);
    // The build lost its manifest tag; kiln finds it by its key label.
    const retag = await f.kiln(['tag']);
    expect(retag.stderr).toBe('');
    expect(retag.code).toBe(0);
    expect(retag.stdout).toBe(`app: ${f.project.id}-app:latest → ${id.slice(7, 19)}\n`);
    expect(f.docker('image', 'inspect', '-f', '{{.Id}}', `${f.project.id}-app:latest`).trim()).toBe(id);

    expect((await f.kiln(['tag', `${f.project.id}-app:latest`, `${f.project.id}-copy:2`])).code).toBe(0);
    expect(f.docker('image', 'inspect', '-f', '{{.Id}}', `${f.project.id}-copy:2`).trim()).toBe(id);
    const rm = await f.kiln(['rm', `${f.project.id}-copy:2`, `${f.project.id}-nope:1`]);
    expect(rm.code).toBe(1);
    expect(rm.stdout).toBe(`Untagged: ${f.project.id}-copy:2\n`);
    expect(rm.stderr).toContain(`cannot remove ${f.project.id}-nope:1`);
  });

  it('commit a created container with --change and --message', async () => {
    const container = f.docker('create', '--network', 'none', f.s.baseImage, 'true').trim();
    try {
      const r = await f.kiln(['commit', '--change', 'ENV A=b', '--message', 'kiln made this', container, `${f.project.id}-committed:v1`]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
      const env = JSON.parse(f.docker('image', 'inspect', '-f', '{{json .Config.Env}}', `${f.project.id}-committed:v1`)) as string[];
      expect(env).toContain('A=b');
      expect(f.docker('image', 'inspect', '-f', '{{.Comment}}', `${f.project.id}-committed:v1`).trim()).toBe('kiln made this');
    } finally {
      f.docker('rm', '-f', container);
    }
  });

  it('search walks every page of the catalog (>100 repositories): substring, glob, --limit, --format', async () => {
    const client = createRegistryClient({ host: f.s.registry });
    const source = `${f.project.id}/src`;
    f.docker('tag', f.s.baseImage, `${f.s.registry}/${source}:v1`);
    f.docker('push', '-q', `${f.s.registry}/${source}:v1`);
    const names = Array.from({ length: 104 }, (_, i) => `${f.project.id}/r${String(i).padStart(3, '0')}`);
    try {
      for (let i = 0; i < names.length; i += 15) {
        await Promise.all(names.slice(i, i + 15).map((name) => client.copyManifest(source, 'v1', name, 'v1')));
      }
    } finally {
      await client.close();
    }
    const all = await f.kiln(['search', '--registry', f.s.registry, '--limit', '1000', '--format', '{{.Repository}}', `${f.project.id}/r`]);
    expect(all.code).toBe(0);
    expect(all.stdout.split('\n').filter(Boolean)).toEqual(names);
    const glob = await f.kiln(['search', '--registry', f.s.registry, `${f.project.id}/r?0*`]);
    expect(glob.stdout).toBe(['NAME', ...names.filter((n) => /r.0/.test(n)).map((n) => `${f.s.registry}/${n}`), ''].join('\n'));
    const limited = await f.kiln(['search', '--registry', f.s.registry, '--limit', '3', '--format', 'json', `${f.project.id}/r`]);
    expect(limited.stdout.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { Repository: string }).Repository)).toEqual(names.slice(0, 3));
  });

  it('Docker Hub search offline: a clear message and exit 3', async () => {
    const r = await f.kiln(['search', '--hub', 'busybox', '--filter', 'stars=3']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('Docker Hub search is not reachable from the engine (offline?)');
    const bad = await f.kiln(['search', '--hub', 'busybox', '--filter', 'nope=1']);
    expect(bad.code).toBe(2);
  });

  it('matchesTerm: substring, or a whole-name glob', () => {
    expect(matchesTerm('acme/api', 'api')).toBe(true);
    expect(matchesTerm('acme/api', 'acme/*')).toBe(true);
    expect(matchesTerm('acme/api', 'a?me/api')).toBe(true);
    expect(matchesTerm('acme/api', 'api*')).toBe(false);
    expect(matchesTerm('acme/a.i', 'acme/a.i')).toBe(true);
    expect(matchesTerm('acme/abi', 'acme/a.i')).toBe(false);
  });
});
