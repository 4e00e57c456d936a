import type { Engine } from '../engine/engine.js';
import type { BuildGraph } from '../plan/graph.js';
import { createDockerCredentialStore } from '../registry/index.js';
import { lockedBuild } from './locked-build.js';
import { readLock } from './lock-file.js';
import { pullMissingBases } from './pull-bases.js';

/** The pinning options `buildImages` takes, empty without a lock. */
export interface BaseBuildOptions {
  pinnedBases?: ReadonlyMap<string, string>;
  pinnedDockerfiles?: ReadonlyMap<string, string>;
}

/**
 * Gets a graph's base images ready before `kiln build` (and `kiln ls`/`tag`/`prune`, which need the
 * same keys): with a kiln.lock next to the manifest, its pins (see lock-file.ts); without one,
 * missing bases are pulled with docker's credentials, since BuildKit cannot authenticate them.
 */
export async function prepareBases(options: { graph: BuildGraph; engine: Engine; env: NodeJS.ProcessEnv; signal?: AbortSignal; warn?: (line: string) => void }): Promise<BaseBuildOptions> {
  const { graph, engine } = options;
  const credentials = createDockerCredentialStore({ env: options.env });
  const lock = await readLock(graph.project.root);
  if (lock === undefined) {
    const refs = [...new Set([...graph.nodes.values()].flatMap((n) => n.externalBases))];
    await pullMissingBases({ refs, engine, credentials, ...(options.signal ? { signal: options.signal } : {}) });
    return {};
  }
  const locked = await lockedBuild({ lock, graph, engine, credentials, ...(options.signal ? { signal: options.signal } : {}) });
  for (const ref of locked.unpinned) options.warn?.(`kiln.lock does not pin ${ref}; run kiln lock to pin it`);
  return { pinnedBases: locked.pinnedBases, pinnedDockerfiles: locked.pinnedDockerfiles };
}
