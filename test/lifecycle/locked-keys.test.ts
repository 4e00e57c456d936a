// Issue #9 item 7: on a locked project every command computes the keys `kiln build` computes.
// Real engine and registry, through the CLI: lock, push, then every command must agree that
// nothing changed; move a pin, and every command must agree on which images changed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLock } from '../../src/lock/index.js';
import { startWatch } from '../watch/watch-process.js';
import { builtImages, idsOf, lsCurrentKeys, planKeys, pruneDryRunKeys, reconcileKeys, runBuild, type BuiltImage } from './command-keys.js';
import { cleanup, fixture, type Fixture } from './fixture.js';

describe('a locked project: every command keys as kiln build does', () => {
  let f: Fixture;
  let os = ''; // the external registry base, pinned by digest
  let prefix = ''; // the project's repositories
  let pushed = new Map<string, BuiltImage>();
  const images = ['base', 'app', 'armed', 'tool'];
  const tagRefs = (): string[] => [`${prefix}/base:latest`, `${prefix}/app:1`, `${prefix}/app:latest`, `${prefix}/armed:latest`, `${prefix}/tool:latest`];
  /** No tag to create or move: `ok`, or an `extra` content tag of an older key (the registry's build cache). */
  const isSettled = (actions: Record<string, string>): boolean => Object.entries(actions).every(([tag, a]) => a === 'ok' || (a === 'extra' && tag.startsWith('kiln-')));
  const keysOf = (m: ReadonlyMap<string, { key: string }>): Record<string, string> => Object.fromEntries([...m].map(([name, v]) => [name, v.key]));
  /** Builds a marker image from the test busybox and pushes it as `ref`. */
  const pushMarker = async (marker: string, ref: string): Promise<void> => {
    await f.project.write({ [`markers/${marker}/Dockerfile`]: `FROM ${f.s.baseImage}\nCOPY m /m\n`, [`markers/${marker}/m`]: `${marker} {{id}}\n` });
    f.docker('build', '-q', '--network', 'none', '-t', ref, join(f.project.root, 'markers', marker));
    f.docker('push', '-q', ref);
  };

  beforeAll(async () => {
    f = await fixture();
    prefix = `${f.s.registry}/${f.project.id}`;
    os = `${f.s.registry}/${f.project.id}-ext/os:1`;
    await pushMarker('one', os);
    await f.project.write({
      'images.yaml': [
        'version: 1',
        'name: "{{id}}"',
        `registry: ${prefix}`,
        'images:',
        '  base: { context: base }',
        '  app: { context: app, tags: ["1", latest] }',
        '  armed: { context: armed, args: { OS: ' + JSON.stringify(os) + ' } }',
        '  tool: { context: tool }',
        '',
      ].join('\n'),
      // A registry base pinned by digest; a dependent of it; one named through an ARG; a local-only base.
      'base/Dockerfile': `FROM ${os}\nCOPY motd /etc/motd\n`,
      'base/motd': 'base {{id}}\n',
      'app/Dockerfile': `FROM ${prefix}/base:latest\nCOPY main.sh /main.sh\n`,
      'app/main.sh': 'echo app {{id}}\n',
      'armed/Dockerfile': 'ARG OS=nothing\nFROM ${OS}\nCOPY a /a\n',
      'armed/a': 'armed {{id}}\n',
      'tool/Dockerfile': `FROM ${f.s.baseImage}\nCOPY t /t\n`,
      'tool/t': 'tool {{id}}\n',
    });
    const locked = await f.kiln(['lock']);
    expect(locked.code, locked.stderr).toBe(0);
    const lock = parseLock(readFileSync(join(f.project.root, 'kiln.lock'), 'utf8'), 'kiln.lock');
    expect(lock.bases.get(os)?.kind).toBe('digest');
    expect(lock.bases.get(f.s.baseImage)?.kind).toBe('local');
    // The tag is gone from the engine: only the pin names the base, and build pulls it by digest.
    f.docker('rmi', os);
    pushed = await runBuild(f, 'push');
    expect([...pushed.keys()].sort()).toEqual([...images].sort());
  }, 300_000);

  afterAll(async () => {
    cleanup(f);
    await f.project.remove();
  });

  it('right after kiln push: reconcile says every tag ok, at the keys push built', async () => {
    const plans = await reconcileKeys(f);
    expect(keysOf(plans)).toEqual(keysOf(pushed));
    for (const [image, plan] of plans) expect(Object.values(plan.actions).every((a) => a === 'ok'), `${image}: ${JSON.stringify(plan.actions)}`).toBe(true);
  });

  it('plan says every image cached, at the same keys', async () => {
    const plan = await planKeys(f);
    expect(keysOf(plan)).toEqual(keysOf(pushed));
    expect([...plan.values()].every((p) => p.cached)).toBe(true);
  });

  it('ls calls exactly the pushed builds current; tag moves nothing; prune keeps them; build is all cached', async () => {
    expect(Object.fromEntries(await lsCurrentKeys(f))).toEqual(Object.fromEntries([...pushed].map(([name, p]) => [name, [p.key]])));
    const before = idsOf(f, tagRefs());
    const tagged = await f.kiln(['tag']);
    expect(tagged.code, tagged.stderr).toBe(0);
    expect(idsOf(f, tagRefs())).toEqual(before);
    expect(await pruneDryRunKeys(f, ['--keep', '0'])).toEqual([]);
    const again = await runBuild(f, 'build');
    expect(keysOf(again)).toEqual(keysOf(pushed));
    expect([...again.values()].every((b) => b.outcome === 'cached')).toBe(true);
  });

  it('watch starts with every image cached at the same keys', async () => {
    const watch = startWatch(f.project.root);
    try {
      await watch.roundDone(1);
      const round = builtImages(watch.round(1));
      expect(keysOf(round)).toEqual(keysOf(pushed));
      expect([...round.values()].every((b) => b.outcome === 'cached')).toBe(true);
    } finally {
      expect(await watch.interrupt()).toBe(0);
    }
  });

  it('a pin moved by kiln lock --update: every command agrees which images changed', async () => {
    await pushMarker('two', os);
    const updated = await f.kiln(['lock', '--update']);
    expect(updated.code, updated.stderr).toBe(0);
    expect(updated.stdout).toContain(`${os}: sha256:`);
    const changed = ['app', 'armed', 'base'];
    const unchanged = ['tool'];

    const plan = await planKeys(f);
    expect([...plan].filter(([, p]) => !p.cached).map(([name]) => name).sort()).toEqual(changed);
    for (const name of changed) expect(plan.get(name)!.key).not.toBe(pushed.get(name)!.key);
    expect(plan.get('tool')!.key).toBe(pushed.get('tool')!.key);

    const plans = await reconcileKeys(f);
    expect(keysOf(plans)).toEqual(keysOf(plan));
    expect([...plans].filter(([, p]) => isSettled(p.actions)).map(([name]) => name)).toEqual(unchanged);
    // A changed image's key is nowhere yet: its content tag is to create, its tags to move.
    for (const name of changed) expect(Object.values(plans.get(name)!.actions).sort()).toContain('create');

    expect(Object.fromEntries(await lsCurrentKeys(f))).toEqual({ tool: [pushed.get('tool')!.key] });
    // The old builds of exactly the changed images are the ones no longer current.
    expect(await pruneDryRunKeys(f, ['--keep', '0'])).toEqual(changed.map((name) => pushed.get(name)!.key.slice(0, 12)).sort());
    const before = idsOf(f, tagRefs());
    const tagged = await f.kiln(['tag']);
    expect(tagged.code).toBe(1);
    for (const name of changed) expect(tagged.stderr).toContain(`image "${name}" has no build of its current key`);
    expect(idsOf(f, tagRefs())).toEqual(before);

    const rebuilt = await runBuild(f, 'push');
    expect(keysOf(rebuilt)).toEqual(keysOf(plan));
    expect([...rebuilt].filter(([, b]) => b.outcome === 'built').map(([name]) => name).sort()).toEqual(changed);
    const after = await reconcileKeys(f);
    expect(keysOf(after)).toEqual(keysOf(plan));
    for (const [image, p] of after) expect(isSettled(p.actions), `${image}: ${JSON.stringify(p.actions)}`).toBe(true);
    expect([...(await planKeys(f)).values()].every((p) => p.cached)).toBe(true);
  });
});

describe('an unlocked project whose base needs a login: reconcile and ls pull it with credentials, as build does; plan shows no key', () => {
  let f: Fixture;
  afterAll(async () => {
    cleanup(f);
    await f.project.remove();
  });

  it('after kiln push and the base removed from the engine: plan has no key, reconcile and ls key as build did', async () => {
    f = await fixture();
    f.login();
    const os = `${f.s.authRegistry}/${f.project.id}-ext/os:1`;
    await f.project.write({
      'images.yaml': `version: 1\nname: "{{id}}"\nregistry: ${f.s.registry}/{{id}}\nimages:\n  app: { context: app }\n`,
      'app/Dockerfile': `FROM ${os}\nCOPY f /f\n`,
      'os/Dockerfile': `FROM ${f.s.baseImage}\nCOPY m /m\n`,
      'os/m': 'os {{id}}\n',
    });
    f.docker('build', '-q', '--network', 'none', '-t', os, join(f.project.root, 'os'));
    f.docker('push', '-q', os);
    f.docker('rmi', os);
    const pushed = await runBuild(f, 'push');
    f.docker('rmi', os);
    // plan pulls nothing: it cannot know the base's ID, so it shows no key rather than another one.
    const looked = await f.kiln(['plan', '--json']);
    const app = (JSON.parse(looked.stdout) as { images: { name: string; key?: string; cached: boolean; reasons: { detail: string }[] }[] }).images[0]!;
    expect(app).toMatchObject({ name: 'app', cached: false, reasons: [{ detail: `base image ${os} is not in the engine: the key is known once kiln build pulls it` }] });
    expect(app.key).toBeUndefined();
    expect((await f.kiln(['plan'])).stdout).toContain('key unknown  build: base image');
    const plans = await reconcileKeys(f);
    expect(plans.get('app')!.key).toBe(pushed.get('app')!.key);
    expect(Object.values(plans.get('app')!.actions).every((a) => a === 'ok')).toBe(true);
    expect(await planKeys(f)).toEqual(new Map([['app', { key: pushed.get('app')!.key, cached: true }]]));
    f.docker('rmi', os);
    expect(Object.fromEntries(await lsCurrentKeys(f))).toEqual({ app: [pushed.get('app')!.key] });
  });
});
