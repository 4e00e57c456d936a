import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeDockerfile } from '../../src/dockerfile/index.js';
import { contextTar, testEngine, uniqueRepository } from '../engine/helpers.js';

// A bounded hunt on the real engine (issue #10, items 1, 2 and 4): every global ARG setup (a
// default, no value, undeclared, a build arg, an empty build arg) under every FROM template.
// Whenever kiln accepts, the engine builds on the very base kiln resolved (each candidate base is
// labelled with its tag); whenever kiln refuses, the engine refuses too. Only colon modifiers are
// drawn: older BuildKit (this engine's) has no `${A-x}`, and sets an ARG without a value to ''.
describe('ARG setups under FROM: kiln and the engine agree', () => {
  const engine = testEngine();
  const repo = uniqueRepository('hunt');
  const created: string[] = [];
  // Every base the templates below can produce, so that no build ever looks beyond the engine.
  const tags = ['v', 't1', 't', 'tv', 't1v', 't2v'];

  const build = async (dockerfile: string, args: Record<string, string> = {}): Promise<string> => {
    const { id } = await engine.build({ context: contextTar({ Dockerfile: dockerfile }), dockerfile: 'Dockerfile', builder: 'buildkit', networkMode: 'none', args }, () => undefined);
    created.push(id);
    return id;
  };

  beforeAll(async () => {
    for (const tag of tags) await engine.tag(await build(`FROM scratch\nLABEL which=${tag}\n`), repo, tag);
  }, 60_000);

  afterAll(async () => {
    for (const tag of tags) await engine.removeImage(`${repo}:${tag}`, { force: true }).catch(() => undefined);
    for (const id of created) await engine.removeImage(id, { force: true }).catch(() => undefined);
    await engine.close();
  });

  const setups: { declare: string; args: Record<string, string> }[] = [
    { declare: 'ARG A=v', args: {} },
    { declare: 'ARG A', args: {} },
    { declare: '', args: {} },
    { declare: 'ARG A', args: { A: 'v' } },
    { declare: 'ARG A=x', args: { A: '' } },
    { declare: 'ARG A="v"', args: {} },
  ];
  const templates = ['REPO:${A}', 'REPO:${A:-t1}', 'REPO:t${A}', 'REPO:t1${A:+v}', 'REPO:${A:+t2}${A:-t1}', 'REPO:${A:-"t1"}', "REPO:'t'${A}", 'REPO:t\\1${A}'];

  const cases = setups.flatMap((setup) =>
    templates.map((template) => ({ ...setup, template, name: `${setup.declare || '(no ARG)'} ${JSON.stringify(setup.args)} FROM ${template}` })),
  );

  it.each(cases)('$name', async ({ declare, args, template }) => {
    const dockerfile = `${declare}\nFROM ${template.replaceAll('REPO', repo)}\nLABEL built=1\n`;
    const analysis = analyzeDockerfile({ file: '/x/Dockerfile', text: dockerfile, buildArgs: args });
    if (!analysis.ok) {
      await expect(build(dockerfile, args), analysis.error[0]?.message).rejects.toThrow();
      return;
    }
    const base = analysis.value.stages.at(-1)?.base ?? '';
    const id = await build(dockerfile, args).catch((error: unknown) => {
      throw new Error(`kiln resolved ${base} but the engine refused: ${String(error)}`);
    });
    const which = (await engine.inspectImage(id))?.Config?.Labels?.['which'];
    expect(`${repo}:${which}`).toBe(base);
  });
});
