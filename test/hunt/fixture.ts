import { afterAll } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import { removeProjectImages } from '../build/fixture.js';
import { realEngine } from '../helpers/services.js';
import { generateProject, type GenerateOptions, type HuntProject } from './hunt-project.js';
import { oracle, type Oracle } from './oracle.js';
import type { Prng } from './prng.js';

/**
 * The real engine and generated projects for one test file: each project's images and folder
 * are removed, and the engine closed, after the file's tests.
 */
export function huntProjects(): { engine: Engine; generate(rng: Prng, options?: GenerateOptions): Promise<{ hunt: HuntProject; judge: Oracle }> } {
  const engine = realEngine();
  const made: { hunt: HuntProject; judge: Oracle }[] = [];
  afterAll(async () => {
    for (const { hunt, judge } of made) {
      await judge.close();
      await removeProjectImages(engine, hunt.project.id);
      await hunt.project.remove();
    }
    await engine.close();
  });
  return {
    engine,
    async generate(rng, options) {
      const hunt = await generateProject(rng, options);
      const judge = oracle(hunt, engine);
      made.push({ hunt, judge });
      return { hunt, judge };
    },
  };
}
