import { afterEach, describe, expect, it } from 'vitest';
import { tempProject, type TempProject } from '../helpers/project.js';
import { removeProjectImages, slowProject, twoSlowProject } from './fixtures.js';
import { processRunning, sleep, startWatch, startedIn, type WatchProcess } from './watch-process.js';

/** Waits until `check` holds, polling. */
async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return true;
    await sleep(100);
  }
  return check();
}

describe('kiln watch: builds in flight', () => {
  let project: TempProject | undefined;
  let watch: WatchProcess | undefined;
  afterEach(async () => {
    await watch?.interrupt();
    if (project) {
      await removeProjectImages(project.id);
      await project.remove();
    }
  });

  it('aborts a running build whose input changed and builds the new input', async () => {
    project = await tempProject(slowProject(4));
    watch = startWatch(project.root, ['--debounce', '100']);
    const first = await watch.waitFor((e) => e.type === 'start' && e.image === 'slow' && e.round === 1);
    const id = project.id;
    expect(await until(() => processRunning(`sleep 4 && echo ${id}`), 15_000)).toBe(true);
    await project.write({ 'slow/a.txt': 'two {{id}}\n' });

    // Only the changed image is aborted: the round itself ends normally.
    const round1Done = await watch.roundDone(1);
    expect(round1Done.interrupted).toBeUndefined();
    expect(watch.round(1)).toContainEqual(expect.objectContaining({ type: 'skipped', image: 'slow', reason: 'restarted: its inputs changed' }));
    const done = await watch.roundDone(2);
    expect(done.counts).toMatchObject({ built: 1, failed: 0 });
    const round2 = watch.round(2);
    expect(startedIn(round2)).toEqual(['slow']);
    const built = round2.find((e) => e.type === 'built' && e.image === 'slow');
    expect(built).toBeDefined();
    // The build that finished is the one of the new input, not the aborted one.
    expect(built && 'key' in built && built.key).not.toBe('key' in first ? first.key : undefined);
  });

  it('aborts only the build whose input changed; an unaffected build in flight finishes in the same round', async () => {
    project = await tempProject(twoSlowProject({ a: 8, b: 3 }));
    watch = startWatch(project.root, ['--debounce', '100']);
    const firstA = await watch.waitFor((e) => e.type === 'start' && e.image === 'a' && e.round === 1);
    await watch.waitFor((e) => e.type === 'start' && e.image === 'b' && e.round === 1);
    const id = project.id;
    expect(await until(() => processRunning(`sleep 8 && echo ${id}`) && processRunning(`sleep 3 && echo ${id}`), 15_000)).toBe(true);
    await project.write({ 'a/a.txt': 'a two {{id}}\n' });

    const done1 = await watch.roundDone(1);
    expect(done1.interrupted).toBeUndefined();
    expect(done1.counts).toMatchObject({ built: 1, skipped: 1, failed: 0 });
    const round1 = watch.round(1);
    expect(round1).toContainEqual(expect.objectContaining({ type: 'skipped', image: 'a', reason: 'restarted: its inputs changed' }));
    expect(round1).toContainEqual(expect.objectContaining({ type: 'built', image: 'b' }));
    expect(round1.some((e) => e.type === 'built' && e.image === 'a')).toBe(false);

    const done2 = await watch.roundDone(2);
    expect(done2.counts).toMatchObject({ built: 1, failed: 0 });
    const round2 = watch.round(2);
    expect(startedIn(round2)).toEqual(['a']);
    const builtA = round2.find((e) => e.type === 'built' && e.image === 'a');
    expect(builtA && 'key' in builtA && builtA.key).not.toBe('key' in firstA ? firstA.key : undefined);
    // b was never restarted: one start in the whole session.
    expect(watch.events.filter((e) => e.type === 'start' && e.image === 'b')).toHaveLength(1);
  });

  it('leaves no build running in the engine after Ctrl-C, and exits 0', async () => {
    project = await tempProject(slowProject(30));
    watch = startWatch(project.root);
    await watch.waitFor((e) => e.type === 'start' && e.image === 'slow');
    const marker = `sleep 30 && echo ${project.id}`;
    expect(await until(() => processRunning(marker), 15_000)).toBe(true);

    const code = await watch.interrupt();
    expect(code).toBe(0);
    expect(watch.events.at(-1)).toMatchObject({ type: 'done', interrupted: true });
    expect(await until(() => !processRunning(marker), 10_000)).toBe(true);
  });
});
