import { afterAll } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import { removeProjectImages } from '../build/fixture.js';
import { KilnLabel } from '../../src/model/labels.js';
import { referenceParts } from '../../src/model/reference.js';
import { realEngine, services } from '../helpers/services.js';
import { generateProject, type GenerateOptions, type HuntProject } from './hunt-project.js';
import { oracle, type Oracle } from './oracle.js';
import type { Prng } from './prng.js';

/** Moves an image's tag onto the base image, as another tool or person might mid-run; returns what it did. */
export async function moveTag(engine: Engine, hunt: HuntProject, name: string): Promise<string> {
  const { name: repository, tag } = referenceParts(hunt.ref(name));
  await engine.tag(services().baseImage, repository, tag ?? 'latest');
  return `moved tag ${hunt.ref(name)} onto ${services().baseImage}`;
}

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
      // A tag the test moved onto a foreign image (see moveTag) is only untagged there.
      for (const image of hunt.images) {
        const tagged = await engine.inspectImage(hunt.ref(image.name));
        if (tagged && tagged.Config?.Labels?.[KilnLabel.project] !== hunt.project.id) await engine.removeImage(hunt.ref(image.name), {}).catch(() => undefined);
      }
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
