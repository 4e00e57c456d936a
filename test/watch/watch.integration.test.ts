import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempProject, type TempProject } from '../helpers/project.js';
import { monorepo, removeProjectImages } from './fixtures.js';
import { sleep, startWatch, startedIn, type WatchProcess } from './watch-process.js';

// One watch process walks through the behaviours in order; each step starts from a settled round.
describe('kiln watch on the real engine', () => {
  let project: TempProject;
  let watch: WatchProcess;
  let round = 1;

  beforeAll(async () => {
    project = await tempProject(monorepo);
    watch = startWatch(project.root, ['--debounce', '200']);
    await watch.roundDone(1, 120_000);
  });
  afterAll(async () => {
    await watch?.interrupt();
    await removeProjectImages(project.id);
    await project?.remove();
  });

  /** Waits for the next round's `done` and checks that no other round started meanwhile. */
  const nextRound = async () => {
    round++;
    const done = await watch.roundDone(round);
    return { done, events: watch.round(round) };
  };

  it('builds everything in round 1 and ends it with done', () => {
    const events = watch.round(1);
    expect(events[0]?.type).toBe('plan');
    expect(startedIn(events)).toEqual(['app', 'lib', 'other']);
    const done = events.at(-1);
    expect(done).toMatchObject({ type: 'done', round: 1, counts: { built: 3, failed: 0 } });
  });

  it('rebuilds exactly the affected image for a leaf edit', async () => {
    await project.write({ 'other/other.txt': 'other changed {{id}}\n' });
    const { done, events } = await nextRound();
    expect(startedIn(events)).toEqual(['other']);
    expect(done.counts).toMatchObject({ built: 1, failed: 0 });
  });

  it('rebuilds a library and its dependents, nothing else', async () => {
    await project.write({ 'lib/lib.txt': 'lib changed {{id}}\n' });
    const { events } = await nextRound();
    expect(startedIn(events)).toEqual(['app', 'lib']);
    expect(events.some((e) => e.type === 'plan' && e.images.some((i) => i.name === 'other'))).toBe(false);
  });

  it('gives no round for .dockerignore\'d or watch.ignore\'d files', async () => {
    const before = watch.events.length;
    await project.write({ 'app/debug.log': 'noise\n', 'app/notes/todo.md': 'more todo\n', 'app/notes/new.md': 'x\n' });
    await sleep(1_500);
    expect(watch.events.slice(before)).toEqual([]);
  });

  it('turns 30 quick saves into one rebuild', async () => {
    for (let i = 0; i < 30; i++) {
      await project.write({ 'app/app.txt': `app save ${i} {{id}}\n` });
      await sleep(20);
    }
    const { events } = await nextRound();
    expect(startedIn(events)).toEqual(['app']);
    await sleep(1_000);
    expect(watch.events.filter((e) => e.type === 'plan' && (e.round ?? 0) > round)).toEqual([]);
  });

  it('re-plans when the manifest gains an image, and builds only that one', async () => {
    await project.write({ 'extra/Dockerfile': 'FROM busybox:latest\nCOPY e.txt /e.txt\n', 'extra/e.txt': 'extra {{id}}\n' });
    const manifest = monorepo['images.yaml']! + '  extra:\n    context: extra\n';
    await project.write({ 'images.yaml': manifest });
    const { done, events } = await nextRound();
    expect(startedIn(events)).toEqual(['extra']);
    expect(done.counts).toMatchObject({ built: 1, cached: 3, failed: 0 });
    // The new context is watched from now on.
    await project.write({ 'extra/e.txt': 'extra changed {{id}}\n' });
    expect(startedIn((await nextRound()).events)).toEqual(['extra']);
  });

  it('keeps watching after a failed build, and the next fix rebuilds it', async () => {
    await project.write({ 'other/Dockerfile': 'FROM busybox:latest\nCOPY missing.txt /x\n' });
    const failed = await nextRound();
    expect(failed.done.counts.failed).toBe(1);
    // Not the text of the last good build: that key is built already and would only be `cached`.
    await project.write({ 'other/Dockerfile': 'FROM busybox:latest\nCOPY other.txt /fixed.txt\n' });
    const fixed = await nextRound();
    expect(startedIn(fixed.events)).toEqual(['other']);
    expect(fixed.done.counts).toMatchObject({ built: 1, failed: 0 });
  });

  it('stops on Ctrl-C with exit 0', async () => {
    expect(await watch.interrupt()).toBe(0);
  });
});
