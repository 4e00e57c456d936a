import { describe, expect, it } from 'vitest';
import { services } from '../helpers/services.js';
import { projectsOnEngine } from '../build/fixture.js';
import { dependencyRefsLeft, kilnProcess, layeredProject, readImageFile, resultOf, seeded, type KilnRun } from './fixture.js';

const ROUNDS = 3;
const RUNS_PER_ROUND = 3;

/**
 * Hunts the class behind issue #9 item 2 rather than one case: rounds of concurrent `kiln build`
 * processes on one project, each with a random `X` (base's content) and `SLOW` (the window before
 * the dependent builds), while a foreign actor keeps moving the tags dependents' Dockerfiles name
 * to busybox or to other builds. Every image a run calls `built` or `cached` must hold its own
 * run's content: base's /x and app's /y are that run's X.
 */
describe('hunting builds on the wrong dependency (real engine)', () => {
  const { engine, project } = projectsOnEngine();

  it(`${ROUNDS} rounds of ${RUNS_PER_ROUND} concurrent runs with random args and foreign tag moves`, async () => {
    const seed = Number(process.env.KILN_HUNT_SEED ?? Date.now() % 100_000);
    const random = seeded(seed);
    const p = await project(layeredProject());
    const registry = `${services().registry}/${p.id}`;
    const foreignIds = [(await engine.inspectImage(services().baseImage))!.Id];
    for (let round = 0; round < ROUNDS; round++) {
      const xs = Array.from({ length: RUNS_PER_ROUND }, () => String(1 + Math.floor(random() * 4)));
      let running = true;
      const mover = (async () => {
        while (running) {
          await new Promise((r) => setTimeout(r, 100 + random() * 300));
          const target = foreignIds[Math.floor(random() * foreignIds.length)]!;
          const repository = `${registry}/${random() < 0.5 ? 'base' : 'slow'}`;
          await engine.tag(target, repository, 'latest').catch(() => undefined);
        }
      })();
      const runs: KilnRun[] = await Promise.all(xs.map((x) => kilnProcess(p.root, ['--var', `X=${x}`, '--var', `SLOW=${Math.floor(random() * 3)}`])));
      running = false;
      await mover;
      for (const [index, run] of runs.entries()) {
        const failures = run.events.flatMap((e) => (e.type === 'failed' ? [`${e.image}: ${e.error}`] : []));
        const context = `seed ${seed}, round ${round}, run ${index} (X=${xs[index]}): ${run.stderr}${failures.join('\n')}`;
        expect(run.code, context).toBe(0);
        const base = resultOf(run.events, 'base');
        const app = resultOf(run.events, 'app');
        expect(base && app, context).toBeTruthy();
        expect(await readImageFile(base!.id, '/x'), context).toBe(`${xs[index]}\n`);
        expect(await readImageFile(app!.id, '/y'), context).toBe(`${xs[index]}\n`);
        foreignIds.push(base!.id, resultOf(run.events, 'slow')!.id);
      }
    }
    // One more run, with nobody moving tags: it removes the temporary references earlier runs had
    // to keep (a foreign move had left them their image's last tag) and that now have company.
    const last = await kilnProcess(p.root, ['--var', 'X=1']);
    expect(last.code, `seed ${seed}: ${last.stderr}`).toBe(0);
    expect(await readImageFile(resultOf(last.events, 'app')!.id, '/y')).toBe('1\n');
    // A temporary reference stays only as its image's last tag (removing it would delete the build).
    for (const ref of await dependencyRefsLeft(engine, p.id)) {
      const tags = (await engine.inspectImage(ref))?.RepoTags ?? [];
      expect(tags.filter((t) => !t.includes(':kiln-dep-')), `seed ${seed}: ${ref}`).toEqual([]);
    }
  }, 400_000);
});
