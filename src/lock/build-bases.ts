import type { Engine } from '../engine/engine.js';
import type { BuildGraph } from '../plan/graph.js';
import { createDockerCredentialStore, type CredentialStore } from '../registry/index.js';
import { lockedBuild } from './locked-build.js';
import { readLock } from './lock-file.js';

/** The pinning options `buildImages` takes, empty without a lock. */
export interface BaseBuildOptions {
  pinnedBases?: ReadonlyMap<string, string>;
  pinnedDockerfiles?: ReadonlyMap<string, string>;
  /** Docker's credentials: the run pulls missing bases with them (see resolveBaseImages). */
  credentials: CredentialStore;
}

/**
 * Gets a graph's base images ready before `kiln build` (and `kiln ls`/`tag`/`prune`, which need the
 * same keys): with a kiln.lock next to the manifest, its pins (see lock-file.ts), and docker's
 * credentials, with which the run pulls the bases the engine lacks.
 */
export async function prepareBases(options: { graph: BuildGraph; engine: Engine; env: NodeJS.ProcessEnv; signal?: AbortSignal; warn?: (line: string) => void }): Promise<BaseBuildOptions> {
  const { graph, engine } = options;
  const credentials = createDockerCredentialStore({ env: options.env });
  const lock = await readLock(graph.project.root);
  if (lock === undefined) return { credentials };
  const locked = await lockedBuild({ lock, graph, engine, credentials, ...(options.signal ? { signal: options.signal } : {}) });
  for (const ref of locked.unpinned) options.warn?.(`kiln.lock does not pin ${ref}; run kiln lock to pin it`);
  return { pinnedBases: locked.pinnedBases, pinnedDockerfiles: locked.pinnedDockerfiles, credentials };
}
