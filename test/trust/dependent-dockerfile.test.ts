import { describe, expect, it } from 'vitest';
import { DependencyRefs } from '../../src/build/dependency-refs.js';
import { dependencyRef } from '../../src/model/dependency-ref.js';
import { dependentDockerfile } from '../../src/build/dependent-dockerfile.js';
import type { PreparedImage } from '../../src/build/prepare.js';
import { loadProject } from '../../src/config/index.js';
import { analyzeDockerfile, imageReferences } from '../../src/dockerfile/index.js';
import type { Engine } from '../../src/engine/engine.js';
import { normalizeReference } from '../../src/model/reference.js';
import { resolveGraph } from '../../src/plan/resolve-graph.js';
import { tempProject } from '../helpers/project.js';
import { seeded } from './fixture.js';

const ID = `sha256:${'a'.repeat(64)}`;
const LIB_ID = `sha256:${'b'.repeat(64)}`;

/** An engine that only records tags: the rewrite is pure logic around one tag call per reference. */
function taggingEngine(): { engine: Engine; tags: string[] } {
  const tags: string[] = [];
  const engine = { tag: async (image: string, repository: string, tag: string) => void tags.push(`${repository}:${tag}=${image}`) } as unknown as Engine;
  return { engine, tags };
}

/** Resolves a project of `base`, `lib` and `app` (whose Dockerfile is given) and rewrites app's Dockerfile as a build would. */
async function rewriteApp(dockerfile: string, args: Record<string, string> = {}) {
  const p = await tempProject({
    'images.yaml': `version: 1\nname: rw\nimages:\n  base: { context: base, repository: acme/base }\n  lib: { context: lib, repository: 127.0.0.1:5000/acme/lib }\n  app: { context: app, args: ${JSON.stringify(args)} }\n`,
    'base/Dockerfile': 'FROM busybox\n',
    'lib/Dockerfile': 'FROM busybox\n',
    'app/Dockerfile': dockerfile,
  });
  try {
    const loaded = await loadProject({ file: `${p.root}/images.yaml`, vars: {}, sets: [], env: {}, cwd: p.root });
    if (!loaded.ok) throw new Error(loaded.error.map((d) => d.message).join('\n'));
    const resolved = await resolveGraph(loaded.value, {});
    if (!resolved.ok) throw new Error(resolved.error.map((d) => d.message).join('\n'));
    const { graph } = resolved.value;
    const prepared = new Map(
      [...graph.nodes.values()].map((node) => [
        node.spec.name,
        { node, dockerfile: { path: node.spec.dockerfile, nameInTar: 'Dockerfile' }, dockerfileText: node.spec.name === 'app' ? dockerfile : 'FROM busybox\n' } as unknown as PreparedImage,
      ]),
    );
    const { engine, tags } = taggingEngine();
    const result = await dependentDockerfile({
      image: prepared.get('app')!,
      prepared,
      dependencyIds: new Map([
        ['base', ID],
        ['lib', LIB_ID],
      ]),
      refs: new DependencyRefs(engine),
      signal: new AbortController().signal,
    });
    return { text: result.content ?? dockerfile, edges: graph.nodes.get('app')!.edges, tags };
  } finally {
    await p.remove();
  }
}

const baseRef = dependencyRef('acme/base', ID);
const libRef = dependencyRef('127.0.0.1:5000/acme/lib', LIB_ID);

describe('the Dockerfile a dependent is sent with', () => {
  it('points FROM, COPY --from and RUN --mount from= at the exact builds, keeping every line and every other byte', async () => {
    const text = [
      'ARG TAG=latest',
      'FROM acme/base:${TAG} AS build',
      'RUN --mount=type=bind,from=127.0.0.1:5000/acme/lib,target=/l true',
      'FROM busybox',
      'COPY --from=build /x /x',
      'COPY --from=acme/base:latest /y /y',
      '',
    ].join('\n');
    const { text: sent, tags } = await rewriteApp(text);
    expect(sent).toBe(
      [
        'ARG TAG=latest',
        `FROM ${baseRef} AS build`,
        `RUN --mount=type=bind,from=${libRef},target=/l true`,
        'FROM busybox',
        'COPY --from=build /x /x',
        `COPY --from=${baseRef} /y /y`,
        '',
      ].join('\n'),
    );
    // One tag per dependency, however many references name it.
    expect(tags.sort()).toEqual([`${baseRef}=${ID}`, `${libRef}=${LIB_ID}`].sort());
  });

  it('leaves a Dockerfile without references to manifest images as it is', async () => {
    const { text, tags } = await rewriteApp('FROM busybox\nRUN true\n');
    expect(text).toBe('FROM busybox\nRUN true\n');
    expect(tags).toEqual([]);
  });

  it('hunts: random spellings of the references (ARGs, tags, stages, flags) never leave a manifest image named by a tag', async () => {
    const seed = Number(process.env.KILN_HUNT_SEED ?? Date.now() % 100_000);
    const random = seeded(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const baseSpellings = ['acme/base', 'acme/base:latest', '${BASE}', '${BASE}:${T}', 'acme/${NAME}', '${LIB}', '${LIB}:latest'];
    const libSpellings = ['127.0.0.1:5000/acme/lib', '127.0.0.1:5000/acme/lib:latest'];
    for (let round = 0; round < 40; round++) {
      const lines = ['ARG BASE=acme/base', 'ARG T=latest', 'ARG NAME=base', 'ARG LIB=127.0.0.1:5000/acme/lib'];
      const stages = 1 + Math.floor(random() * 3);
      for (let s = 0; s < stages; s++) {
        const from = pick([...baseSpellings, 'busybox', ...(s > 0 ? ['s0'] : [])]);
        lines.push(`FROM ${pick(['', '--platform=$BUILDPLATFORM '])}${from} AS s${s}`);
        for (let i = Math.floor(random() * 3); i > 0; i--) {
          // --from and from= take no variables (the engine refuses them, and so does kiln).
          const source = pick([...libSpellings, ...baseSpellings].filter((r) => !r.includes('$')).concat('busybox', ...(s > 0 ? ['s0', '0'] : [])));
          lines.push(
            pick([
              `COPY --from=${source} /a /a`,
              `COPY ${pick(['--link ', '--chown=1:1 ', ''])}--from=${source} /b /b`,
              `RUN --mount=type=bind,from=${source},target=/m true`,
              `RUN --mount="type=cache,target=/c" --mount=from=${source},target=/n true`,
            ]),
          );
        }
      }
      const text = `${lines.join('\n')}\n`;
      const context = `seed ${seed}, round ${round}:\n${text}`;
      const { text: sent, edges } = await rewriteApp(text);
      expect(sent.split('\n').length, context).toBe(text.split('\n').length);
      const analysis = analyzeDockerfile({ file: 'Dockerfile', text: sent });
      if (!analysis.ok) throw new Error(`${context}\n${analysis.error.map((d) => d.message).join('\n')}`);
      const manifestRepos = new Set(['acme/base', '127.0.0.1:5000/acme/lib'].map((r) => normalizeReference(r).repository));
      // The stages the build needs (an unneeded one is no edge: BuildKit never builds it).
      for (const reference of imageReferences(analysis.value, undefined)) {
        const repository = normalizeReference(reference.ref).repository;
        if (manifestRepos.has(repository)) expect([baseRef, libRef], context).toContain(reference.ref);
      }
      expect(edges.length > 0 || sent === text, context).toBe(true);
    }
  });
});
