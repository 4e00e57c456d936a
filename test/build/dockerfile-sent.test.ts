import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeKeys } from '../../src/build/keys.js';
import { loadProject } from '../../src/config/index.js';
import { loadKeyRecord } from '../../src/plan/key-record.js';
import { sha256Hex } from '../../src/plan/cache-key.js';
import { resolveGraph } from '../../src/plan/resolve-graph.js';
import type { TempProject } from '../helpers/project.js';
import { imageFiles } from '../helpers/image-files.js';
import { services } from '../helpers/services.js';
import { builders, buildJson, eventOf, manifest, outcomes, processWithMarker, projectsOnEngine, waitFor } from './fixture.js';

// The Dockerfile the engine gets must be the text the key hashed, wherever it lives.

async function prepare(p: TempProject, engine: Parameters<typeof computeKeys>[0]['engine'], contexts?: Parameters<typeof computeKeys>[0]['contexts']) {
  const loaded = await loadProject({ file: path.join(p.root, 'images.yaml'), vars: {}, sets: [], env: {}, cwd: p.root });
  if (!loaded.ok) throw new Error('manifest did not load');
  const resolved = await resolveGraph(loaded.value, { selection: [] });
  if (!resolved.ok) throw new Error('graph did not resolve');
  return computeKeys({ graph: resolved.value.graph, engine, signal: new AbortController().signal, pullWith: false, ...(contexts ? { contexts } : {}) });
}

describe.each(builders)('the Dockerfile sent, %s builder (real engine)', (builder) => {
  const { engine, project } = projectsOnEngine();

  it('outside the context, edited while the image waits: built from the text its key hashed, the next run from the new one', async () => {
    const registry = `${services().registry}/{{id}}`;
    const p = await project({
      'images.yaml': manifest(['slow: { context: slow }', 'app: { context: app, dockerfile: ../docker/app.Dockerfile }']),
      'slow/Dockerfile': `FROM ${services().baseImage}\nRUN sleep 3; echo {{id}}-slow\n`,
      'docker/app.Dockerfile': `FROM ${registry}/slow:latest\nRUN echo one > /df.txt\n`,
      'app/a.txt': 'a\n',
    });
    const running = buildJson(p, ['--builder', builder]);
    expect(await waitFor(() => processWithMarker(`${p.id}-slow`), 20_000)).toBe(true);
    const edited = `FROM ${services().registry}/${p.id}/slow:latest\nRUN echo two > /df.txt\n`;
    await writeFile(path.join(p.root, 'docker/app.Dockerfile'), edited);
    const first = await running;
    expect(first.code).toBe(0);
    const image = `${services().registry}/${p.id}/app:latest`;
    expect((await imageFiles(image, '/df.txt')).get('df.txt')?.content).toBe('one\n');
    const record = await loadKeyRecord(p.root, eventOf(first.events, 'built', 'app')!.key);
    expect(record?.dockerfileHash).toBe(sha256Hex(`FROM ${services().registry}/${p.id}/slow:latest\nRUN echo one > /df.txt\n`));

    const second = await buildJson(p, ['--builder', builder]);
    expect(outcomes(second.events)).toEqual({ slow: 'cached', app: 'built' });
    expect((await imageFiles(image, '/df.txt')).get('df.txt')?.content).toBe('two\n');
  }, 60_000);
});

describe('a Dockerfile read apart from its context hash', () => {
  const { engine, project } = projectsOnEngine();

  it('refuses a context Dockerfile whose text differs from the hash its context took', async () => {
    const p = await project({
      'images.yaml': manifest(['app: { context: app }']),
      'app/Dockerfile': `FROM ${services().baseImage}\nCOPY . /app\n`,
    });
    // Hash the context as a run would (the memo holds that hash), then edit the Dockerfile before the keys are made.
    const contexts = new Map();
    await prepare(p, engine, contexts);
    await writeFile(path.join(p.root, 'app/Dockerfile'), `FROM ${services().baseImage}\nCOPY . /elsewhere\n`);
    await expect(prepare(p, engine, contexts)).rejects.toMatchObject({
      name: 'KilnError',
      message: expect.stringMatching(/^app\/Dockerfile changed while kiln was building \(hashed at .*; it was read again and differs\); run kiln again$/),
    });
  });
});
