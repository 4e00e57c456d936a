import { afterAll, expect, it } from 'vitest';
import { tempProject, type TempProject } from '../helpers/project.js';
import { services } from '../helpers/services.js';
import { removeProjectImages } from './fixtures.js';
import { startWatch, type WatchProcess } from './watch-process.js';

let project: TempProject | undefined;
let watch: WatchProcess | undefined;
afterAll(async () => {
  await watch?.interrupt();
  if (project) {
    await removeProjectImages(`${services().registry}/${project.id}`);
    await project.remove();
  }
});

it('kiln watch --push pushes after each successful round', async () => {
  project = await tempProject({
    'images.yaml': `version: 1\nname: {{id}}\nregistry: ${services().registry}/{{id}}\nimages:\n  app:\n    context: app\n`,
    'app/Dockerfile': 'FROM busybox:latest\nCOPY app.txt /app.txt\n',
    'app/app.txt': 'one {{id}}\n',
  });
  watch = startWatch(project.root, ['--push', '--debounce', '100']);
  await watch.roundDone(1);
  expect(watch.round(1).filter((e) => e.type === 'pushed').map((e) => e.type === 'pushed' && e.tag)).toContain('latest');

  await project.write({ 'app/app.txt': 'two {{id}}\n' });
  const done = await watch.roundDone(2);
  const pushed = watch.round(2).filter((e) => e.type === 'pushed');
  expect(pushed.length).toBeGreaterThan(0);
  expect(done.counts.pushed).toBe(pushed.length);
  // `done` comes after the pushes.
  expect(watch.round(2).at(-1)?.type).toBe('done');
  expect(await watch.interrupt()).toBe(0);
});
