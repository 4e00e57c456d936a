// reconcile --apply builds the keys it planned: a file edited between the plan and the build must
// not be pushed under the planned key's content tag (real engine and registry).
import { afterAll, expect, it } from 'vitest';
import { KilnError } from '../../src/diagnostics/diagnostic.js';
import type { Engine } from '../../src/engine/engine.js';
import { createRegistryAccess } from '../../src/push/registry-access.js';
import { reconcile } from '../../src/reconcile/reconcile.js';
import { loadGraph } from '../../src/cli/load.js';
import { removeProjectImages } from '../build/fixture.js';
import { tempProject, type TempProject } from '../helpers/project.js';
import { realEngine } from '../helpers/services.js';
import { dockerConfig, pushRepo, registryClient } from '../push/fixture.js';

const engine = realEngine();
const client = registryClient();
let p: TempProject | undefined;
afterAll(async () => {
  if (p) {
    await removeProjectImages(engine, p.id);
    await p.remove();
  }
  await client.close();
  await engine.close();
});

/** The engine, with a hook run when a second run asks for its info: reconcile's keys are computed, the build's are not yet. */
function hooked(real: Engine, before: () => Promise<void>): Engine {
  let infos = 0;
  return new Proxy(real, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        if (property === 'info' && ++infos === 2) await before();
        // The engine keeps #private state: its methods run on the engine itself, not the proxy.
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

it('a file edited after reconcile computed the keys: --apply fails that image and writes nothing to the registry', async () => {
  p = await tempProject(pushRepo());
  const project = p;
  const env = { DOCKER_CONFIG: await dockerConfig() };
  const resolved = await loadGraph({ cwd: project.root, env, stdout: process.stdout, stderr: process.stderr }, {}, []);
  const access = createRegistryAccess({ env });
  try {
    const run = reconcile({
      resolved,
      engine: hooked(engine, () => project.write({ 'app/main.sh': 'echo edited meanwhile {{id}}\n' })),
      access,
      credentials: { getAuth: async () => undefined },
      apply: true,
      prune: false,
      signal: new AbortController().signal,
      buildSink: { emit: () => undefined },
    });
    const error = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(KilnError);
    expect((error as KilnError).diagnostics.map((d) => d.message)).toEqual([expect.stringMatching(/^app: its inputs changed while reconciling \(key [0-9a-f]{12} planned, [0-9a-f]{12} built\)/)]);
    expect(access.stats().manifestPuts).toBe(0);
    expect(access.stats().blobUploads).toBe(0);
    for (const image of ['base', 'app']) expect(await client.listTags(`${project.id}/${image}`).catch(() => [])).toEqual([]);
  } finally {
    await access.close();
  }
});
