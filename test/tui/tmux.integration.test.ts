import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempProject, type TempProject } from '../helpers/project.js';
import { services } from '../helpers/services.js';
import { monorepo, removeProjectImages, slowProject } from '../watch/fixtures.js';
import { startTmux, type TmuxSession } from './tmux.js';

/** Where pane captures are kept for the README when KILN_SAVE_SCREENS is set. */
const screens = new URL('../../docs/screens/', import.meta.url);

async function saveScreen(name: string, pane: string, id: string): Promise<void> {
  if (!process.env.KILN_SAVE_SCREENS) return;
  await mkdir(screens, { recursive: true });
  await writeFile(join(screens.pathname, name), `${pane.replaceAll(id, 'acme')}\n`);
}

describe('the TUI in a real terminal (tmux)', () => {
  let project: TempProject | undefined;
  let session: TmuxSession | undefined;
  afterEach(async () => {
    session?.kill();
    if (project) {
      await removeProjectImages(project.id);
      await project.remove();
    }
  });

  it('kiln build draws a row per image and a summary, then exits 0', async () => {
    project = await tempProject(monorepo);
    session = startTmux({ name: `kiln-${project.id}`, cwd: project.root, args: ['build'], env: { DOCKER_HOST: services().dockerHost } });
    const pane = await session.waitFor((p) => p.includes('EXIT:'));
    expect(pane).toMatch(/EXIT:0/);
    for (const image of ['lib', 'app', 'other']) expect(pane).toMatch(new RegExp(`\\b${image}\\b`));
    expect(pane).toMatch(/3 built/);
    await saveScreen('build.txt', pane, project.id);

    // Again: nothing to do, every row cached.
    session.kill();
    session = startTmux({ name: `kiln-${project.id}-2`, cwd: project.root, args: ['build'], env: { DOCKER_HOST: services().dockerHost } });
    const again = await session.waitFor((p) => p.includes('EXIT:'));
    expect(again).toMatch(/EXIT:0/);
    expect(again).toMatch(/3 cached/);
    await saveScreen('build-cached.txt', again, project.id);
  });

  it('kiln watch redraws a round per change and stops on Ctrl-C with exit 0', async () => {
    project = await tempProject(monorepo);
    session = startTmux({ name: `kiln-${project.id}`, cwd: project.root, args: ['watch'], env: { DOCKER_HOST: services().dockerHost } });
    const first = await session.waitFor((p) => /\[round 1\]/.test(p) && /3 built/.test(p));
    await saveScreen('watch-round-1.txt', first, project.id);

    await project.write({ 'lib/lib.txt': 'lib changed {{id}}\n' });
    const second = await session.waitFor((p) => /\[round 2\]/.test(p) && /2 built/.test(p));
    expect(second).toMatch(/\blib\b/);
    expect(second).toMatch(/\bapp\b/);
    await saveScreen('watch-round-2.txt', second, project.id);

    session.sendKeys('C-c');
    const end = await session.waitFor((p) => p.includes('EXIT:'), 15_000);
    expect(end).toMatch(/EXIT:0/);
  });

  it('kiln build shows a live row with the running step while an image builds', async () => {
    project = await tempProject(slowProject(3));
    session = startTmux({ name: `kiln-${project.id}`, cwd: project.root, args: ['build'], env: { DOCKER_HOST: services().dockerHost } });
    const live = await session.waitFor((p) => /slow/.test(p) && /RUN sleep 3/.test(p) && !p.includes('EXIT:'));
    expect(live).toMatch(/quick/);
    await saveScreen('build-live.txt', live, project.id);
    const end = await session.waitFor((p) => p.includes('EXIT:'));
    expect(end).toMatch(/EXIT:0/);
    expect(end).toMatch(/2 built/);
  });
});
