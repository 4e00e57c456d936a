import { afterEach, describe, expect, it } from 'vitest';
import { tempProject, type TempProject } from '../helpers/project.js';
import { removeProjectImages, slowProject } from './fixtures.js';
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

    const aborted = await watch.roundDone(1);
    expect(aborted.interrupted).toBe(true);
    const done = await watch.roundDone(2);
    expect(done.counts).toMatchObject({ built: 1, failed: 0 });
    const round2 = watch.round(2);
    expect(startedIn(round2)).toEqual(['slow']);
    const built = round2.find((e) => e.type === 'built' && e.image === 'slow');
    expect(built).toBeDefined();
    // The build that finished is the one of the new input, not the aborted one.
    expect(built && 'key' in built && built.key).not.toBe('key' in first ? first.key : undefined);
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
