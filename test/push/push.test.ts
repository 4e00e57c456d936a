import { afterAll, describe, expect, it } from 'vitest';
import { buildImages } from '../../src/build/build.js';
import { loadGraph } from '../../src/cli/load.js';
import { contentTag } from '../../src/push/content-tag.js';
import { createRegistryAccess } from '../../src/push/registry-access.js';
import type { BuildEvent } from '../../src/run/events.js';
import { parseEvents, runCli } from '../helpers/cli.js';
import { tempProject, type TempProject } from '../helpers/project.js';
import { countingEngine, realEngine, services } from '../helpers/services.js';
import { removeProjectImages } from '../build/fixture.js';
import { dockerConfig, pushRepo, registryClient, tagsOf } from './fixture.js';

describe('push (real engine and registry)', () => {
  const engine = realEngine();
  const client = registryClient();
  const projects: TempProject[] = [];
  const project = async (files: Record<string, string>) => {
    const p = await tempProject(files);
    projects.push(p);
    return p;
  };
  const env = async (extra: NodeJS.ProcessEnv = {}) => ({ DOCKER_HOST: services().dockerHost, DOCKER_CONFIG: await dockerConfig(), ...extra });
  afterAll(async () => {
    for (const p of projects) {
      await removeProjectImages(engine, p.id);
      await p.remove();
    }
    await client.close();
    await engine.close();
  });

  it('build --push pushes every tag and the content tag after the build, done last with the count', async () => {
    const p = await project(pushRepo());
    const { code, stdout, stderr } = await runCli(['build', '--push', '--progress', 'json'], { cwd: p.root, env: await env() });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const events = parseEvents(stdout);
    const pushed = events.filter((e): e is Extract<BuildEvent, { type: 'pushed' }> => e.type === 'pushed');
    const plan = events[0] as Extract<BuildEvent, { type: 'plan' }>;
    const keys = Object.fromEntries(plan.images.map((i) => [i.name, i.key]));
    expect(pushed.map((e) => `${e.image}:${e.tag}`).sort()).toEqual(
      [`app:1`, `app:latest`, `app:${contentTag(keys.app!)}`, `base:latest`, `base:${contentTag(keys.base!)}`].sort(),
    );
    for (const e of pushed) expect(e.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const done = events.at(-1)!;
    expect(done.type === 'done' && done.counts.pushed).toBe(5);
    expect(events.findIndex((e) => e.type === 'pushed')).toBeGreaterThan(events.findIndex((e) => e.type === 'built' && e.image === 'app'));
    const tags = await tagsOf(client, `${p.id}/app`);
    const appPushed = pushed.find((e) => e.image === 'app' && e.tag === 'latest')!;
    expect(tags).toEqual({ '1': appPushed.digest, latest: appPushed.digest, [contentTag(keys.app!)]: appPushed.digest });
  });

  it('an empty engine finds the keys in the registry: cached from the registry, nothing built', async () => {
    const p = await project(pushRepo());
    expect((await runCli(['push', '--progress', 'json'], { cwd: p.root, env: await env() })).code).toBe(0);
    await removeProjectImages(engine, p.id);
    const { engine: counted, calls } = countingEngine(engine);
    const resolved = await loadGraph({ cwd: p.root, env: {}, stdout: process.stdout, stderr: process.stderr }, {}, []);
    const events: BuildEvent[] = [];
    const access = createRegistryAccess({ env: { DOCKER_CONFIG: await dockerConfig() } });
    const result = await buildImages({ resolved, engine: counted, sink: { emit: (e) => events.push(e) }, signal: new AbortController().signal, credentials: { getAuth: async () => undefined }, registryCache: access });
    await access.close();
    expect(result.failures).toEqual([]);
    expect(calls.build).toBeUndefined();
    expect(calls.pull).toBe(2);
    const cached = events.filter((e) => e.type === 'cached');
    expect(cached.map((e) => e.type === 'cached' && `${e.image}:${e.source}`).sort()).toEqual(['app:registry', 'base:registry']);
    // The manifest tags point at the pulled images again.
    expect((await engine.inspectImage(`${services().registry}/${p.id}/app:latest`))?.Id).toBeDefined();
  });

  it('plan agrees with build: a key the registry holds is cached in the registry, unless --no-registry-cache', async () => {
    const p = await project(pushRepo());
    expect((await runCli(['push', '--progress', 'json'], { cwd: p.root, env: await env() })).code).toBe(0);
    await removeProjectImages(engine, p.id);
    const planned = await runCli(['plan'], { cwd: p.root, env: await env() });
    expect(planned.code).toBe(0);
    expect(planned.stdout.match(/ cached in the registry/g)).toHaveLength(2);
    expect(planned.stdout).toContain('0 to build, 2 cached');
    const offRegistry = await runCli(['plan', '--no-registry-cache'], { cwd: p.root, env: await env() });
    expect(offRegistry.stdout).toContain('2 to build, 0 cached');
  });

  it('--no-cache builds even when the registry holds the key', async () => {
    const p = await project(pushRepo());
    expect((await runCli(['push', '--progress', 'json'], { cwd: p.root, env: await env() })).code).toBe(0);
    await removeProjectImages(engine, p.id);
    const { code, stdout } = await runCli(['build', '--no-cache', '--progress', 'json'], { cwd: p.root, env: await env() });
    expect(code).toBe(0);
    const outcomes = parseEvents(stdout).filter((e) => e.type === 'built' || e.type === 'cached').map((e) => `${e.type}:${'image' in e ? e.image : ''}`);
    expect(outcomes.sort()).toEqual(['built:app', 'built:base']);
  });

  it('pushes nothing when one selected image failed to build', async () => {
    const p = await project({ ...pushRepo(), 'app/Dockerfile': `FROM ${services().baseImage}\nRUN exit 7\n` });
    const { code, stdout, stderr } = await runCli(['push', '--progress', 'json'], { cwd: p.root, env: await env() });
    expect(code).toBe(1);
    expect(parseEvents(stdout).some((e) => e.type === 'pushed')).toBe(false);
    expect(stderr).toContain('nothing pushed: app failed to build');
    expect(await client.listTags(`${p.id}/base`)).toEqual([]);
  });

  it('pushes to a registry with Basic auth using docker config credentials', async () => {
    const s = services();
    const p = await project(pushRepo(s.authRegistry));
    const config = await dockerConfig({ [s.authRegistry]: { user: s.authUser, password: s.authPassword } });
    const { code, stderr } = await runCli(['push', '--progress', 'plain'], { cwd: p.root, env: await env({ DOCKER_CONFIG: config }) });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const auth = registryClient(s.authRegistry);
    expect(await auth.listTags(`${p.id}/app`)).toContain('latest');
    await auth.close();
  });

  it('wrong credentials: exit 3, saying which registry refused, never printing the secret', async () => {
    const s = services();
    const p = await project(pushRepo(s.authRegistry));
    const secret = 'wrong-Secret-123';
    const config = await dockerConfig({ [s.authRegistry]: { user: s.authUser, password: secret } });
    const { code, stdout, stderr } = await runCli(['push', '--progress', 'plain'], { cwd: p.root, env: await env({ DOCKER_CONFIG: config }) });
    expect(code).toBe(3);
    expect(stderr).toContain(s.authRegistry);
    expect(stdout + stderr).not.toContain(secret);
    expect(stdout).not.toContain('pushed');
  });

  it('registry down: exit 3 naming it; a build alone only notes it and builds', async () => {
    const down = '127.0.0.1:59999';
    const p = await project(pushRepo(down));
    const buildRun = await runCli(['build', '--progress', 'plain'], { cwd: p.root, env: await env() });
    expect(buildRun.code).toBe(0);
    const pushRun = await runCli(['push', '--progress', 'plain'], { cwd: p.root, env: await env() });
    expect(pushRun.code).toBe(3);
    expect(pushRun.stderr).toContain(down);
    expect(buildRun.stderr.match(/note: registry cache/g)).toHaveLength(1);
  });
});
