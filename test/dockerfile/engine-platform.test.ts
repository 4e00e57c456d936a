import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeDockerfile } from '../../src/dockerfile/index.js';
import { hostPlatform } from '../../src/dockerfile/platform.js';
import { contextTar, testEngine, uniqueRepository } from '../engine/helpers.js';

// Issue #10, items 1-3 on the real engine: the FROM image kiln resolves (platform ARGs, nested
// modifiers, quotes inside them, escapes) is the one the engine builds on. Each candidate base is
// a scratch image labelled with its own tag, so the built image's label names the base it used.
describe('FROM as kiln expands it is the base the engine builds on (BuildKit)', () => {
  const engine = testEngine();
  const repo = uniqueRepository('from');
  const created: string[] = [];
  const tags = ['amd64', 'arm64', 'arm-v7', 'amd64-v2', 'linux-arm64', '3.21', 'x-y', 'v7', 'dollar'];

  const build = async (dockerfile: string, options: { platform?: string; args?: Record<string, string>; builder?: 'buildkit' | 'classic' } = {}): Promise<string> => {
    const { id } = await engine.build(
      { context: contextTar({ Dockerfile: dockerfile }), dockerfile: 'Dockerfile', builder: 'buildkit', networkMode: 'none', ...options },
      () => undefined,
    );
    created.push(id);
    return id;
  };

  beforeAll(async () => {
    for (const tag of tags) {
      for (const platform of ['linux/amd64', 'linux/arm64', 'linux/arm/v7']) {
        const id = await build(`FROM scratch\nLABEL which=${tag}\n`, { platform });
        // One repository per platform: the local store keeps one image per tag.
        await engine.tag(id, `${repo}-${platform.replaceAll('/', '-')}`, tag);
      }
    }
  }, 120_000);

  afterAll(async () => {
    for (const platform of ['linux/amd64', 'linux/arm64', 'linux/arm/v7'])
      for (const tag of tags) await engine.removeImage(`${repo}-${platform.replaceAll('/', '-')}:${tag}`, { force: true }).catch(() => undefined);
    for (const id of created) await engine.removeImage(id, { force: true }).catch(() => undefined);
    await engine.close();
  });

  const cases: { name: string; from: string; platform?: string; args?: Record<string, string>; expected: string }[] = [
    // The platform ARGs are used undeclared: Docker 20.10's BuildKit (v0.8) empties a global
    // `ARG TARGETARCH` without a value, where BuildKit v0.17 and later (and kiln) keep the automatic value.
    { name: 'TARGETARCH of the engine default', from: 'FROM REPO:${TARGETARCH}', expected: hostPlatform().split('/')[1] ?? '' },
    { name: 'TARGETARCH for linux/arm64', from: 'FROM REPO:${TARGETARCH}${TARGETVARIANT:+-${TARGETVARIANT}}', platform: 'linux/arm64', expected: 'arm64' },
    { name: 'TARGETARCH and TARGETVARIANT for linux/arm', from: 'FROM REPO:${TARGETARCH}${TARGETVARIANT:+-${TARGETVARIANT}}', platform: 'linux/arm', expected: 'arm-v7' },
    { name: 'TARGETOS-TARGETARCH, undeclared, for linux/arm64/v8', from: 'FROM REPO:${TARGETOS}-${TARGETARCH}${TARGETVARIANT}', platform: 'linux/arm64/v8', expected: 'linux-arm64' },
    { name: 'BUILDARCH under FROM --platform=$BUILDPLATFORM', from: 'FROM --platform=$BUILDPLATFORM REPO:${BUILDARCH}', platform: 'linux/arm64', expected: hostPlatform().split('/')[1] ?? '' },
    { name: 'a build arg overrides TARGETVARIANT', from: 'ARG TARGETVARIANT\nFROM REPO:${TARGETVARIANT}', platform: 'linux/arm/v7', args: { TARGETVARIANT: 'v7' }, expected: 'v7' },
    { name: 'quotes inside ${X:-"..."} are removed', from: 'ARG TAG\nFROM REPO:${TAG:-"3.21"}', expected: '3.21' },
    { name: "nested modifiers with single quotes", from: "ARG A=x\nARG B\nFROM REPO:${B:-${A:+'x'}-y}", expected: 'x-y' },
    { name: 'an ARG default using another ARG', from: 'ARG V=7\nARG T=v${V}\nFROM REPO:$T', expected: 'v7' },
    { name: 'an escaped dollar is literal, then stripped', from: 'ARG D=dollar\nFROM REPO:${D:-\\$X}', expected: 'dollar' },
  ];

  it.each(cases)('$name', async ({ from, platform, args, expected }) => {
    const target = platform ?? 'linux/amd64';
    const repository = `${repo}-${(target === 'linux/arm' ? 'linux/arm/v7' : target === 'linux/arm64/v8' ? 'linux/arm64' : target).replaceAll('/', '-')}`;
    // BUILDPLATFORM stages resolve bases for the engine's platform.
    const baseRepository = from.includes('$BUILDPLATFORM') ? `${repo}-linux-amd64` : repository;
    const dockerfile = `${from.replace('REPO', baseRepository)}\nLABEL built=1\n`;
    const analysis = analyzeDockerfile({ file: '/x/Dockerfile', text: dockerfile, ...(platform ? { platform } : {}), ...(args ? { buildArgs: args } : {}) });
    if (!analysis.ok) throw new Error(analysis.error.map((d) => d.message).join('\n'));
    const base = analysis.value.stages.at(-1)?.base;
    expect(base).toBe(`${baseRepository}:${expected}`);
    const id = await build(dockerfile, { ...(platform ? { platform } : {}), ...(args ? { args } : {}) });
    const inspected = await engine.inspectImage(id);
    expect(inspected?.Config?.Labels?.['which']).toBe(expected);
  });

  it('the classic builder has no automatic platform ARGs, and kiln told so reads none', async () => {
    const dockerfile = `FROM ${repo}-linux-amd64:\${TARGETARCH:-x-y}\nLABEL built=1\n`;
    const analysis = analyzeDockerfile({ file: '/x/Dockerfile', text: dockerfile, builder: 'classic' });
    expect(analysis.ok && analysis.value.stages[0]?.base).toBe(`${repo}-linux-amd64:x-y`);
    const id = await build(dockerfile, { builder: 'classic' });
    expect((await engine.inspectImage(id))?.Config?.Labels?.['which']).toBe('x-y');
  });
});
