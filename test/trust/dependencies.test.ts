import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, spawnKiln } from '../helpers/cli.js';
import { services } from '../helpers/services.js';
import { buildJson, engineEnv, eventOf, outcomes, projectsOnEngine } from '../build/fixture.js';
import { dependencyRefsLeft, kilnProcess, layeredProject, readImageFile, resultOf } from './fixture.js';

/**
 * Issue #9 item 2: a dependent builds on exactly the image ID its key names, whoever moves the tag
 * its Dockerfile writes, and two runs on one project never mix their images.
 */
describe('dependencies through a mutable tag (real engine)', () => {
  const { engine, project } = projectsOnEngine();

  it('two kiln build processes at once with different args: each dependent holds its own run\'s base; later runs are cached only for correct images', async () => {
    const p = await project(layeredProject());
    const [a, b] = await Promise.all([kilnProcess(p.root, ['--var', 'X=1']), kilnProcess(p.root, ['--var', 'X=2'])]);
    expect([a.code, b.code]).toEqual([0, 0]);
    // One of them waited for the other, and said so in one line.
    const waited = [a, b].filter((r) => /^waiting for another kiln run on this project \(pid \d+, kiln build, since \d{4}-\d\d-\d\dT[\d:]+Z\)$/m.test(r.stderr));
    expect(waited).toHaveLength(1);
    for (const [run, x] of [[a, '1'], [b, '2']] as const) {
      expect(outcomes(run.events)).toEqual({ base: 'built', slow: expect.stringMatching(/built|cached/), app: 'built' });
      expect(await readImageFile(resultOf(run.events, 'app')!.id, '/y')).toBe(`${x}\n`);
    }
    // Sequential runs say cached, and the cached image is the one with that run's base content.
    for (const x of ['1', '2']) {
      const again = await buildJson(p, ['--var', `X=${x}`]);
      expect(again.code).toBe(0);
      expect(outcomes(again.events)).toEqual({ base: 'cached', slow: 'cached', app: 'cached' });
      expect(await readImageFile(resultOf(again.events, 'app')!.id, '/y')).toBe(`${x}\n`);
      expect(await readImageFile(`${services().registry}/${p.id}/app:latest`, '/y')).toBe(`${x}\n`);
    }
    expect(await dependencyRefsLeft(engine, p.id)).toEqual([]);
  });

  it('a foreign actor moving base:latest to busybox between the base\'s build and the dependent\'s does not change what the dependent builds on', async () => {
    const p = await project(layeredProject());
    const registry = `${services().registry}/${p.id}`;
    const busybox = (await engine.inspectImage(services().baseImage))!.Id;
    let moved = false;
    const run = kilnProcess(p.root, ['--var', 'X=7', '--var', 'SLOW=4', '--concurrency', '2'], (stdout) => {
      if (moved || !stdout.includes('"type":"built","image":"base"')) return;
      moved = true;
      // base is built and tagged; app waits for slow. Anyone may move the tag now.
      void engine.tag(busybox, `${registry}/base`, 'latest');
    });
    const result = await run;
    expect(moved).toBe(true);
    expect(result.code).toBe(0);
    expect(outcomes(result.events)).toEqual({ base: 'built', slow: 'built', app: 'built' });
    expect(await readImageFile(resultOf(result.events, 'app')!.id, '/y')).toBe('7\n');
    expect((await engine.inspectImage(`${registry}/base:latest`))?.Id).toBe(busybox);
    // The move left base's build with no tag but its temporary reference: removing that would delete the build.
    const kept = await dependencyRefsLeft(engine, p.id);
    expect(kept).toEqual([`${registry}/base:kiln-dep-${resultOf(result.events, 'base')!.id.slice(7)}`]);
    expect(result.stderr).toContain(`kiln: note: kept ${kept[0]}: the only tag left on its image`);
    // The next run puts base:latest back (its key's build is there), builds nothing, and removes the reference.
    const again = await buildJson(p, ['--var', 'X=7', '--var', 'SLOW=4']);
    expect(outcomes(again.events)).toEqual({ base: 'cached', slow: 'cached', app: 'cached' });
    expect((await engine.inspectImage(`${registry}/base:latest`))?.Id).toBe(resultOf(result.events, 'base')!.id);
    expect(await dependencyRefsLeft(engine, p.id)).toEqual([]);
  });

  it('removes the temporary references when a run is interrupted or a dependent fails, and releases the lock', async () => {
    const p = await project(layeredProject());
    const registry = `${services().registry}/${p.id}`;
    await p.write({ 'app/Dockerfile': `FROM ${registry}/base:latest\nRUN sleep 60\n` });
    const controller = new AbortController();
    const running = runCli(['build', '--progress', 'json', '--var', 'X=3'], { cwd: p.root, env: engineEnv(), signal: controller.signal });
    // Interrupt while app builds on its temporary reference to base.
    const appStarted = async () => (await dependencyRefsLeft(engine, p.id)).length > 0;
    const until = Date.now() + 60_000;
    while (Date.now() < until && !(await appStarted())) await new Promise((r) => setTimeout(r, 100));
    expect(await dependencyRefsLeft(engine, p.id)).toHaveLength(1);
    controller.abort();
    const result = await running;
    expect(result.code).toBe(130);
    expect(await dependencyRefsLeft(engine, p.id)).toEqual([]);
    expect(existsSync(join(p.root, '.kiln', 'run.lock'))).toBe(false);
    // A dependent that fails leaves none either.
    await p.write({ 'app/Dockerfile': `FROM ${registry}/base:latest\nRUN exit 9\n` });
    const failed = await buildJson(p, ['--var', 'X=3']);
    expect(failed.code).toBe(1);
    expect(eventOf(failed.events, 'failed', 'app')).toBeDefined();
    expect(await dependencyRefsLeft(engine, p.id)).toEqual([]);
    expect(existsSync(join(p.root, '.kiln', 'run.lock'))).toBe(false);
  });

  it('after a SIGKILL, the next run takes the stale lock over and removes the leftover reference; so does kiln prune', async () => {
    const p = await project(layeredProject());
    const registry = `${services().registry}/${p.id}`;
    const killDuringApp = async () => {
      await p.write({ 'app/Dockerfile': `FROM ${registry}/base:latest\nRUN sleep 60 # ${Math.random()}\n` });
      const child = spawnKiln(['build', '--progress', 'json', '--var', 'X=4'], { cwd: p.root, env: engineEnv() });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      const until = Date.now() + 60_000;
      while (Date.now() < until && (await dependencyRefsLeft(engine, p.id)).length === 0) await new Promise((r) => setTimeout(r, 100));
      child.kill('SIGKILL');
      await exited;
      expect(await dependencyRefsLeft(engine, p.id)).toHaveLength(1);
      expect(existsSync(join(p.root, '.kiln', 'run.lock'))).toBe(true);
      await p.write({ 'app/Dockerfile': `FROM ${registry}/base:latest\nRUN cat /x > /y\n` });
    };
    await killDuringApp();
    const next = await buildJson(p, ['--var', 'X=4']);
    expect(next.code).toBe(0);
    expect(next.stderr).not.toContain('waiting for another kiln run');
    expect(await dependencyRefsLeft(engine, p.id)).toEqual([]);
    expect(existsSync(join(p.root, '.kiln', 'run.lock'))).toBe(false);
    await killDuringApp();
    const pruned = await runCli(['prune', '--force'], { cwd: p.root, env: engineEnv() });
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(await dependencyRefsLeft(engine, p.id)).toEqual([]);
  });

  it('never trusts a leftover temporary reference: a dependent re-points it at its dependency\'s build', async () => {
    const p = await project(layeredProject());
    const registry = `${services().registry}/${p.id}`;
    const first = await buildJson(p, ['--var', 'X=6']);
    expect(first.code).toBe(0);
    const baseId = resultOf(first.events, 'base')!.id;
    // A leftover with base's name on another image of the project (so the run's listing shows it), as if moved by someone.
    await engine.tag(resultOf(first.events, 'slow')!.id, `${registry}/base`, `kiln-dep-${baseId.slice(7)}`);
    await p.write({ 'app/Dockerfile': `FROM ${registry}/base:latest\nCOPY --from=${registry}/slow:latest /slow /slow\nRUN cat /x > /y && echo changed\n` });
    const second = await buildJson(p, ['--var', 'X=6']);
    expect(second.code, second.stderr).toBe(0);
    expect(outcomes(second.events)).toEqual({ base: 'cached', slow: 'cached', app: 'built' });
    expect(await readImageFile(resultOf(second.events, 'app')!.id, '/y')).toBe('6\n');
    expect(await dependencyRefsLeft(engine, p.id)).toEqual([]);
  });

  it('reports an engine-rejected line of a dependent at the user\'s file and line', async () => {
    const p = await project(layeredProject());
    await p.write({ 'app/Dockerfile': `FROM ${services().registry}/{{id}}/base:latest\nRUN echo fine\nHEALTHCHECK --interval=xyz CMD true\n` });
    const { code, stderr } = await runCli(['build', '--progress', 'plain'], { cwd: p.root, env: engineEnv() });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^app\/Dockerfile:3:1: error: (.*: )?dockerfile parse error (on )?line 3: time: invalid duration "xyz"\n {2}3 \| HEALTHCHECK --interval=xyz CMD true\n/m);
    expect(await dependencyRefsLeft(engine, p.id)).toEqual([]);
  });

  it('--pull pulls a dependent\'s external bases itself, never its dependency references', async () => {
    const p = await project(layeredProject());
    // The external base lives in the local registry, so --pull can reach it without the internet.
    const ext = `${services().registry}/${p.id}/ext`;
    await engine.tag((await engine.inspectImage(services().baseImage))!.Id, ext, 'v1');
    await engine.push(ext, 'v1', undefined, () => {});
    const registry = `${services().registry}/${p.id}`;
    await p.write({
      'base/Dockerfile': `FROM ${ext}:v1\nARG X\nRUN echo "$X" > /x\n`,
      'slow/Dockerfile': `FROM ${ext}:v1\nRUN echo slow > /slow\n`,
      'app/Dockerfile': `FROM ${registry}/base:latest\nCOPY --from=${registry}/slow:latest /slow /slow\nCOPY --from=${ext}:v1 /bin/true /t\nRUN cat /x > /y\n`,
    });
    for (const builder of ['buildkit', 'classic']) {
      const result = await buildJson(p, ['--pull', '--builder', builder, '--var', `X=${builder}`]);
      expect(result.code, result.stderr).toBe(0);
      expect(outcomes(result.events)).toEqual({ base: 'built', slow: expect.stringMatching(/built|cached/), app: 'built' });
      expect(await readImageFile(resultOf(result.events, 'app')!.id, '/y')).toBe(`${builder}\n`);
    }
    await engine.removeImage(`${ext}:v1`, {});
  });
});
