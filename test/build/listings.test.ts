import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localBaseImages, referencePattern } from '../../src/build/bases.js';
import { computeKeys } from '../../src/build/keys.js';
import { loadProject } from '../../src/config/index.js';
import { resolveGraph, type ResolvedGraph } from '../../src/plan/resolve-graph.js';
import { tempProject, type TempProject } from '../helpers/project.js';
import { countingEngine, realEngine, services } from '../helpers/services.js';
import { buildJson, outcomes, removeProjectImages } from './fixture.js';

describe('referencePattern (the engine matches familiar forms)', () => {
  it('writes the form the engine lists, tag or digest, host and port kept', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(referencePattern('busybox')).toBe('busybox:latest');
    expect(referencePattern('docker.io/library/busybox:1.36')).toBe('busybox:1.36');
    expect(referencePattern('index.docker.io/acme/api:2')).toBe('acme/api:2');
    expect(referencePattern('127.0.0.1:5000/acme/api')).toBe('127.0.0.1:5000/acme/api:latest');
    expect(referencePattern(`busybox:1.36@${digest}`)).toBe(`busybox@${digest}`);
    expect(referencePattern('[::1]:5000/api:1')).toBe('\\[::1\\]:5000/api:1');
  });
});

describe('the requests of a run (real engine)', () => {
  const engine = realEngine();
  let project: TempProject;
  let base: string;
  let registry: string;
  let pushedDigest: string;
  let pulledDigest: string;
  const refs = () => ({
    familiar: `${project.id}-a:one`,
    normalized: `docker.io/library/${project.id}-a:one`,
    hostPort: `${registry}/b:two`,
    digest: `${registry}/b@${pushedDigest}`,
    // Only pulled by digest, with no tag (the containerd store names such an image by its digest).
    digestOnly: `${registry}/c@${pulledDigest}`,
    missing: `${project.id}-missing:1`,
  });

  beforeAll(async () => {
    project = await tempProject({
      'images.yaml': ['version: 1', 'name: "{{id}}"', `registry: ${services().registry}/{{id}}`, 'images:', '  app: { context: app }', ''].join('\n'),
      'app/Dockerfile': `FROM ${services().baseImage}\nRUN echo app-ran\n`,
    });
    registry = `${services().registry}/${project.id}`;
    base = (await engine.inspectImage(services().baseImage))!.Id;
    await engine.tag(services().baseImage, `${project.id}-a`, 'one');
    await engine.tag(services().baseImage, `${registry}/b`, 'two');
    pushedDigest = (await engine.push(`${registry}/b`, 'two', undefined, () => {})).digest;
    await engine.tag(services().baseImage, `${registry}/c`, 'three');
    pulledDigest = (await engine.push(`${registry}/c`, 'three', undefined, () => {})).digest;
    await engine.removeImage(`${registry}/c:three`, { noprune: true });
    await engine.pull(`${registry}/c@${pulledDigest}`, undefined, () => {});
  });
  afterAll(async () => {
    for (const ref of [`${project.id}-a:one`, `${registry}/b:two`, `${registry}/b@${pushedDigest}`, `${registry}/c@${pulledDigest}`, `${registry}/app:latest`]) {
      await engine.removeImage(ref, { noprune: true }).catch(() => undefined);
    }
    await removeProjectImages(engine, project.id);
    await project.remove();
    await engine.close();
  });

  async function graph(): Promise<ResolvedGraph> {
    const loaded = await loadProject({ file: `${project.root}/images.yaml`, vars: {}, sets: [], env: {}, cwd: project.root });
    if (!loaded.ok) throw new Error('manifest did not load');
    const resolved = await resolveGraph(loaded.value, { selection: [] });
    if (!resolved.ok) throw new Error('graph did not resolve');
    return resolved.value;
  }

  it.each([
    ['one reference listing (several values ORed), an inspect per digest', 0, { listImages: 1, inspectImage: 2 }],
    ['one inspect each', 16, { inspectImage: 6 }],
  ])('finds local bases by every form of reference: %s', async (_, inspectLimit, calls) => {
    const counting = countingEngine(engine);
    const r = refs();
    const found = await localBaseImages({ engine: counting.engine, refs: Object.values(r), signal: new AbortController().signal, inspectLimit });
    expect(Object.fromEntries(found)).toEqual({ [r.familiar]: base, [r.normalized]: base, [r.hostPort]: base, [r.digest]: base, [r.digestOnly]: base });
    expect(counting.calls).toEqual(calls);
  });

  it('agrees between the listing and the inspects on random mixes of reference forms', async () => {
    const r = refs();
    const present = [...Object.values(r).filter((ref) => ref !== r.missing), `library/${project.id}-a:one`, `index.docker.io/library/${project.id}-a:one`];
    const absent = [r.missing, `${registry}/b@sha256:${'0'.repeat(64)}`, `${registry}/b:nope`, `${project.id}-a`];
    for (let round = 0; round < 12; round++) {
      const refs = [...present, ...absent].filter(() => Math.random() < 0.6).sort(() => Math.random() - 0.5);
      const inspectLimit = round % 2 === 0 ? 0 : 16;
      const found = await localBaseImages({ engine, refs, signal: new AbortController().signal, inspectLimit });
      const expected = Object.fromEntries(refs.filter((ref) => present.includes(ref)).map((ref) => [ref, base]));
      expect(Object.fromEntries(found), `round ${round}, limit ${inspectLimit}: ${refs.join(' ')}`).toEqual(expected);
    }
  });

  it('asks only for the project listing when kiln.lock pins every base (and, to pull a missing pin, one inspect of it)', async () => {
    await project.write({ 'app/Dockerfile': `FROM ${registry}/b:two\nRUN echo app-ran\n`, 'kiln.lock': `version: 1\nbases:\n  ${registry}/b:two: ${pushedDigest}\n` });
    try {
      const resolved = await graph();
      for (const [pullWith, calls] of [[false, { info: 1, listImages: 1 }], [{ getAuth: async () => undefined }, { info: 1, listImages: 1, inspectImage: 1 }]] as const) {
        const counting = countingEngine(engine);
        const { listing, prepared } = await computeKeys({ graph: resolved.graph, engine: counting.engine, signal: new AbortController().signal, pullWith });
        expect(counting.calls).toEqual(calls);
        expect(listing.every((image) => image.Labels?.['dev.kiln.project'] === project.id)).toBe(true);
        expect(prepared.get('app')!.record.baseImages).toEqual({ [`${registry}/b:two`]: pushedDigest });
      }
    } finally {
      await rm(join(project.root, 'kiln.lock'));
      await project.write({ 'app/Dockerfile': `FROM ${services().baseImage}\nRUN echo app-ran\n` });
    }
  });

  it('re-points a manifest tag that now names an image kiln did not build, without building', async () => {
    const first = await buildJson(project);
    expect(first.code).toBe(0);
    const built = (await engine.inspectImage(`${registry}/app:latest`))!.Id;
    // The tag now names the base image, which has no kiln label: it is not in the project listing.
    await engine.tag(services().baseImage, `${registry}/app`, 'latest');
    const again = await buildJson(project);
    expect(outcomes(again.events)).toEqual({ app: 'cached' });
    expect((await engine.inspectImage(`${registry}/app:latest`))?.Id).toBe(built);
  });
});
