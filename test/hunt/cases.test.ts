import { describe, expect, it } from 'vitest';
import type { BuildEvent } from '../../src/run/events.js';
import { huntProjects } from './fixture.js';
import { mutate, type HuntImage, type MutationKind } from './hunt-project.js';
import { startKiln, summary, type KilnRun } from './kiln-runs.js';
import { prng } from './prng.js';

// One reproduction per bug class of issue #9, from outside (the real bin/kiln.js on the real
// engine), judged by the same oracle as the randomized test. Run `npm run build` first.

const { generate } = huntProjects();

/** `i0` a base sleeping `sleep` seconds, `i1` FROM it, `i2` COPY --from it. */
function graph(sleep: number): HuntImage[] {
  return [
    { name: 'i0', sleep },
    { name: 'i1', from: 'i0', sleep: 0.1 },
    { name: 'i2', copyFrom: 'i0', sleep: 0.1 },
  ];
}

/** Collects runs and their violations; `expect` on it prints every run's summary. */
function trail() {
  const log: string[] = [];
  const violations: string[] = [];
  return {
    log,
    violations,
    async judge(check: Promise<string[]>, run?: KilnRun) {
      if (run) log.push(summary(run));
      violations.push(...(await check));
    },
    message: () => log.join('\n'),
  };
}

describe('issue #9 reproductions, judged by the trust oracle (real engine)', () => {
  it('an edit that keeps the size and restores the mtime is rebuilt, and --no-cache never stores it under the old key', async () => {
    const rng = prng(1);
    const { hunt, judge } = await generate(rng, { images: graph(0.1), sharedRepository: false, lockedUpstream: false });
    const t = trail();
    const first = await startKiln(hunt.project.root, 'first', ['build']);
    await t.judge(judge.checkRun(first, { exact: true }), first);
    t.log.push(await mutate(hunt, rng, 'same-size-keep-mtime', { image: 'i0', file: 'f0.txt' }));
    const second = await startKiln(hunt.project.root, 'after the edit', ['build']);
    await t.judge(judge.checkRun(second, { exact: true }), second);
    const forced = await startKiln(hunt.project.root, '--no-cache', ['build', '--no-cache']);
    await t.judge(judge.checkRun(forced, { exact: true }), forced);
    await t.judge(judge.checkTags());
    expect(t.violations, t.message()).toEqual([]);
  });

  it.each<MutationKind>(['content', 'grow'])('a dependent\'s file edited (%s) while its dependency runs is never shipped under the old key', async (kind) => {
    const rng = prng(2);
    const { hunt, judge } = await generate(rng, { images: graph(3), sharedRepository: false, lockedUpstream: false });
    const t = trail();
    const first = await startKiln(hunt.project.root, 'first', ['build']);
    await t.judge(judge.checkRun(first, { exact: true }), first);
    // A new arg for the base: it rebuilds (sleeping 3 s) and its dependents wait for it.
    const vars = { [hunt.varOf('i0')]: 'racing' };
    let edited: Promise<string> | undefined;
    const onEvent = (event: BuildEvent) => {
      if (edited === undefined && event.type === 'step' && event.image === 'i0' && event.name.includes('sleep')) {
        edited = (async () => `${await mutate(hunt, rng, kind, { image: 'i1', file: 'f0.txt' })}; ${await mutate(hunt, rng, kind, { image: 'i2', file: 'f1.txt' })}`)();
      }
    };
    const racing = await startKiln(hunt.project.root, 'racing', ['build'], vars, onEvent);
    expect(edited, `the base's RUN sleep was never reported: ${summary(racing)}`).toBeDefined();
    t.log.push(`edited during i0's RUN sleep: ${await edited}`);
    await t.judge(judge.checkRun(racing, { exact: false }), racing);
    await t.judge(judge.checkTags());
    const after = await startKiln(hunt.project.root, 'after', ['build'], vars);
    await t.judge(judge.checkRun(after, { exact: true }), after);
    expect(t.violations, t.message()).toEqual([]);
  });

  it('two runs at once with different values for the base\'s arg each build the dependents on their own base', async () => {
    const rng = prng(3);
    const { hunt, judge } = await generate(rng, { images: graph(1), sharedRepository: false, lockedUpstream: false });
    const t = trail();
    const first = await startKiln(hunt.project.root, 'first', ['build']);
    await t.judge(judge.checkRun(first, { exact: true }), first);
    for (let round = 1; round <= 3; round++) {
      const a = { [hunt.varOf('i0')]: `a${round}` };
      const b = { [hunt.varOf('i0')]: `b${round}` };
      const runs = await Promise.all([startKiln(hunt.project.root, `a${round}`, ['build'], a), startKiln(hunt.project.root, `b${round}`, ['build'], b)]);
      for (const run of runs) await t.judge(judge.checkRun(run, { exact: false }), run);
      await t.judge(judge.checkTags());
      // What a later run calls cached must be the image of its own key.
      const again = await startKiln(hunt.project.root, `a${round} again`, ['build'], a);
      await t.judge(judge.checkRun(again, { exact: true }), again);
    }
    expect(t.violations, t.message()).toEqual([]);
  });

  it('images that share a repository, told apart by tag (the docker-library layout), build on the tag they name', async () => {
    const rng = prng(4);
    const images: HuntImage[] = [
      { name: 'i0', sleep: 0.1 },
      { name: 'i1', from: 'i0', sleep: 0.1 },
      { name: 'i2', from: 'i1', copyFrom: 'i0', sleep: 0.1 },
    ];
    const { hunt, judge } = await generate(rng, { images, sharedRepository: true, lockedUpstream: false });
    const t = trail();
    const first = await startKiln(hunt.project.root, 'first', ['build']);
    await t.judge(judge.checkRun(first, { exact: true }), first);
    t.log.push(await mutate(hunt, rng, 'content', { image: 'i0', file: 'f0.txt' }));
    const second = await startKiln(hunt.project.root, 'after an edit of i0', ['build']);
    await t.judge(judge.checkRun(second, { exact: true }), second);
    await t.judge(judge.checkTags());
    expect(t.violations, t.message()).toEqual([]);
  });
});
