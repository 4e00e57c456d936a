// `kiln build --pull`: the engine builds on the newest base, so the key must name that base, not
// the older one the engine had before (else the image is labelled with a key that describes
// another base, and a later run calls a different key cached).
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builders } from '../build/fixture.js';
import { idsOf, planKeys, runBuild } from './command-keys.js';
import { cleanup, fixture, type Fixture } from './fixture.js';

describe.each(builders)('kiln build --pull (%s): the key names the base the build pulled', (builder) => {
  let f: Fixture;
  afterAll(async () => {
    cleanup(f);
    await f.project.remove();
  });

  it('a base tag moved in the registry only: --pull keys and builds on the new one; every command then agrees', async () => {
    f = await fixture();
    const os = `${f.s.registry}/${f.project.id}-ext/os:1`;
    const layers = (ref: string): string[] => JSON.parse(f.docker('image', 'inspect', '-f', '{{json .RootFS.Layers}}', ref)) as string[];
    const marker = async (name: string): Promise<string> => {
      await f.project.write({ [`${name}/Dockerfile`]: `FROM ${f.s.baseImage}\nCOPY m /m\n`, [`${name}/m`]: `${name} {{id}}\n` });
      f.docker('build', '-q', '--network', 'none', '-t', os, join(f.project.root, name));
      return idsOf(f, [os])[os]!;
    };
    await f.project.write({
      'images.yaml': `version: 1\nname: "{{id}}"\nregistry: ${f.s.registry}/{{id}}\nimages:\n  app: { context: app, builder: ${builder} }\n`,
      'app/Dockerfile': `FROM ${os}\nCOPY f /f\n`,
    });
    const one = await marker('one');
    f.docker('push', '-q', os);
    const first = await runBuild(f, 'build');

    // Someone else pushes new content to the tag; this engine still has the old image under it.
    const two = await marker('two');
    f.docker('push', '-q', os);
    f.docker('tag', one, os);
    const pulled = await runBuild(f, 'build', ['--pull']);
    const app = `${f.s.registry}/${f.project.id}/app:latest`;
    expect(layers(app).slice(0, layers(two).length)).toEqual(layers(two));
    expect(pulled.get('app')!.key).not.toBe(first.get('app')!.key);
    expect(f.docker('image', 'inspect', '-f', '{{index .Config.Labels "dev.kiln.key"}}', app).trim()).toBe(pulled.get('app')!.key);
    // The key is the one every command computes now (the engine's tag names the pulled base).
    expect((await planKeys(f)).get('app')).toEqual({ key: pulled.get('app')!.key, cached: true });
    const again = await runBuild(f, 'build');
    expect(again.get('app')).toMatchObject({ key: pulled.get('app')!.key, outcome: 'cached' });
  });
});
