// kiln watch reads kiln.lock each round and watches it: `kiln lock --update` rebuilds exactly the
// images whose pins moved (and their dependents), at the keys every other command computes.
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { cleanup, fixture, type Fixture } from '../lifecycle/fixture.js';
import { builtImages, planKeys, runBuild } from '../lifecycle/command-keys.js';
import { startedIn, startWatch } from './watch-process.js';

let f: Fixture | undefined;
afterAll(async () => {
  if (f) {
    cleanup(f);
    await f.project.remove();
  }
});

it('a pin moved by kiln lock --update while watching: one round rebuilds the images on that base and their dependents', async () => {
  const fx = (f = await fixture());
  const os = `${fx.s.registry}/${fx.project.id}-ext/os:1`;
  const prefix = `${fx.s.registry}/${fx.project.id}`;
  const pushBase = async (marker: string): Promise<void> => {
    await fx.project.write({ [`markers/${marker}/Dockerfile`]: `FROM ${fx.s.baseImage}\nCOPY m /m\n`, [`markers/${marker}/m`]: `${marker} {{id}}\n` });
    fx.docker('build', '-q', '--network', 'none', '-t', os, join(fx.project.root, 'markers', marker));
    fx.docker('push', '-q', os);
  };
  await pushBase('one');
  await fx.project.write({
    'images.yaml': `version: 1\nname: "{{id}}"\nregistry: ${prefix}\nimages:\n  base: { context: base }\n  app: { context: app }\n  tool: { context: tool }\n`,
    'base/Dockerfile': `FROM ${os}\nCOPY f /f\n`,
    'base/f': 'base {{id}}\n',
    'app/Dockerfile': `FROM ${prefix}/base:latest\nCOPY f /f\n`,
    'app/f': 'app {{id}}\n',
    'tool/Dockerfile': `FROM ${fx.s.baseImage}\nCOPY f /f\n`,
    'tool/f': 'tool {{id}}\n',
  });
  expect((await fx.kiln(['lock'])).code).toBe(0);
  await runBuild(fx, 'build');
  const watch = startWatch(fx.project.root);
  try {
    await watch.roundDone(1);
    expect(startedIn(watch.round(1))).toEqual([]);
    await pushBase('two');
    expect((await fx.kiln(['lock', '--update'])).code).toBe(0);
    await watch.roundDone(2);
    expect(startedIn(watch.round(2))).toEqual(['app', 'base']);
    const round = builtImages(watch.round(2));
    const plan = await planKeys(fx);
    for (const [name, built] of round) expect(built.key).toBe(plan.get(name)!.key);
    expect([...plan.values()].every((p) => p.cached)).toBe(true);
  } finally {
    expect(await watch.interrupt()).toBe(0);
  }
});
