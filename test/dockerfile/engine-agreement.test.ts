import { afterAll, describe, expect, it } from 'vitest';
import { analyzeDockerfile, imageReferences, neededStages } from '../../src/dockerfile/index.js';
import type { BuildRequest } from '../../src/engine/engine.js';
import { contextTar, testEngine } from '../engine/helpers.js';
import { services } from '../helpers/services.js';

// The analysis claims things about what BuildKit does; these builds check them on the real engine.
describe('Dockerfile analysis agrees with the real engine (BuildKit)', () => {
  const base = services().baseImage;
  const engine = testEngine();
  const created: string[] = [];
  afterAll(async () => {
    for (const id of created) await engine.removeImage(id, { force: true }).catch(() => undefined);
    await engine.close();
  });

  const build = async (dockerfile: string, extra: Partial<BuildRequest> = {}): Promise<string> => {
    const { id } = await engine.build(
      { context: contextTar({ Dockerfile: dockerfile }), dockerfile: 'Dockerfile', builder: 'buildkit', networkMode: 'none', ...extra },
      () => undefined,
    );
    created.push(id);
    return id;
  };

  it('builds only the needed stages: an unused stage naming a missing image is never pulled', async () => {
    const dockerfile = [
      'ARG BASE=nobody/missing:1',
      'from ${BASE} as Build',
      'RUN echo built > /out.txt',
      'FROM kiln-test/does-not-exist:1 AS lint',
      'RUN true',
      'FROM $BASE AS runtime',
      'COPY --from="BUILD" /out.txt /out.txt',
      'RUN --mount=type=bind,"from=build,target=/m" cat /m/out.txt',
    ].join('\n');
    const analysis = analyzeDockerfile({ file: '/x/Dockerfile', text: dockerfile, buildArgs: { BASE: base } });
    if (!analysis.ok) throw new Error(analysis.error.map((d) => d.message).join('\n'));
    expect(neededStages(analysis.value, 'Runtime')).toEqual({ ok: true, value: [0, 2] });
    expect(imageReferences(analysis.value, 'runtime').map((r) => r.ref)).toEqual([base, base]);
    await expect(build(dockerfile, { target: 'Runtime', args: { BASE: base } })).resolves.toMatch(/^sha256:/);
  });

  it.each([
    ['an unknown instruction', `FROM ${base}\nFOOBAR x\n`, 'unknown instruction'],
    ['a variable in COPY --from', `ARG SRC=${base}\nFROM ${base}\nARG SRC\nCOPY --from=$SRC /bin/sh /sh\n`, 'variable expansion is not supported'],
    ['a platform list in FROM --platform', `FROM --platform=linux/amd64,linux/arm64 ${base}\n`, 'invalid platform'],
    ['an empty FROM --platform', `FROM --platform=$NOPE ${base}\n`, 'empty platform value'],
    ['an ARG without a value in a tag', `ARG TAG\nFROM ${base.split(':')[0]}:$TAG\n`, 'ARG TAG has no value'],
  ])('rejects %s, as the engine does', async (_, dockerfile, message) => {
    const analysis = analyzeDockerfile({ file: '/x/Dockerfile', text: dockerfile });
    expect(!analysis.ok && analysis.error[0]?.message).toContain(message);
    await expect(build(dockerfile)).rejects.toThrow();
  });
});
