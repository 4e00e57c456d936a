import { randomBytes } from 'node:crypto';
import { afterAll } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import { removeProjectImages } from '../build/fixture.js';
import { KilnLabel } from '../../src/model/labels.js';
import { referenceParts } from '../../src/model/reference.js';
import { realEngine, services } from '../helpers/services.js';
import { runCli } from '../helpers/cli.js';
import { generateProject, type GenerateOptions, type HuntProject } from './hunt-project.js';
import { oracle, type Oracle } from './oracle.js';
import type { Prng } from './prng.js';

/** Options of a generated project on the engine. */
export interface HuntOptions extends Omit<GenerateOptions, 'base'> {
  /**
   * The external base is busybox pushed to the test registry and pinned to its digest with
   * `kiln lock`, so every command must key with the pin (default: at random).
   */
  lockedUpstream?: boolean;
}

/** Pushes the base image to a repository of its own in the test registry; returns its reference. */
async function pushUpstream(engine: Engine): Promise<string> {
  const repository = `${services().registry}/kiln-hunt-up-${randomBytes(4).toString('hex')}/busybox`;
  await engine.tag(services().baseImage, repository, 'latest');
  await engine.push(repository, 'latest', {}, () => {});
  return `${repository}:latest`;
}

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
export function huntProjects(): { engine: Engine; generate(rng: Prng, options?: HuntOptions): Promise<{ hunt: HuntProject; judge: Oracle; log: string[]; violations: string[] }> } {
  const engine = realEngine();
  const made: { hunt: HuntProject; judge: Oracle }[] = [];
  const upstreams: string[] = [];
  afterAll(async () => {
    // Untags only: busybox:latest keeps the image.
    for (const ref of upstreams) await engine.removeImage(ref, {}).catch(() => undefined);
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
    async generate(rng, options = {}) {
      const log: string[] = [];
      const violations: string[] = [];
      let base: string | undefined;
      if (options.lockedUpstream ?? rng.chance(0.4)) {
        base = await pushUpstream(engine);
        upstreams.push(base);
      }
      const hunt = await generateProject(rng, { ...options, ...(base ? { base } : {}) });
      const judge = oracle(hunt, engine);
      made.push({ hunt, judge });
      if (base) {
        const locked = await runCli(['lock'], { cwd: hunt.project.root, env: { DOCKER_HOST: services().dockerHost } });
        log.push(`base ${base}, pinned by kiln lock`);
        if (locked.code !== 0) violations.push(`kiln lock: exit ${locked.code}: ${locked.stderr.trim().slice(0, 500)}`);
      }
      return { hunt, judge, log, violations };
    },
  };
}
