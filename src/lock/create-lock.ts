import { diagnostic, KilnError, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { Engine } from '../engine/engine.js';
import type { BuildGraph } from '../plan/graph.js';
import { createRegistryClient, isRegistryError, type CredentialStore } from '../registry/index.js';
import { baseRef } from './base-ref.js';
import type { LockedBase, LockFile } from './lock-file.js';

/** The external bases a graph needs that a lock can pin (a reference written with a digest is pinned already). */
export function lockableBases(graph: BuildGraph): string[] {
  const refs = new Set([...graph.nodes.values()].flatMap((n) => n.externalBases));
  return [...refs].filter((ref) => baseRef(ref).digest === undefined).sort();
}

/** What creating a lock needs. */
export interface CreateLockOptions {
  graph: BuildGraph;
  engine: Engine;
  credentials?: CredentialStore;
  /** The lock there is now: its pins are kept unless `update`. */
  previous?: LockFile;
  /** Re-resolve every base (`kiln lock --update`). */
  update?: boolean;
  signal?: AbortSignal;
}

/**
 * Pins each lockable base: the registry's manifest digest for the tag, else (registry unreachable
 * or without the tag) the local image's ID marked local. Pins of bases the graph no longer needs
 * are dropped. Throws one diagnostic per base that is neither in a registry nor local.
 */
export async function createLock(options: CreateLockOptions): Promise<LockFile> {
  const bases = new Map<string, LockedBase>();
  const problems: Diagnostic[] = [];
  const insecure = new Set(options.graph.project.insecureRegistries);
  const clients = new Map<string, ReturnType<typeof createRegistryClient>>();
  const clientFor = (host: string) => {
    let client = clients.get(host);
    if (client === undefined) {
      client = createRegistryClient({
        host,
        insecure: insecure.has(host),
        timeoutMs: 10_000,
        retries: 1,
        ...(options.credentials ? { credentials: options.credentials } : {}),
      });
      clients.set(host, client);
    }
    return client;
  };
  try {
    for (const ref of lockableBases(options.graph)) {
      const kept = options.update ? undefined : options.previous?.bases.get(ref);
      if (kept !== undefined) {
        bases.set(ref, kept);
        continue;
      }
      const { host, path, tag } = baseRef(ref);
      let registryProblem: string | undefined;
      try {
        const head = await clientFor(host).headManifest(path, tag ?? 'latest');
        if (head !== undefined) {
          bases.set(ref, { kind: 'digest', digest: head.digest });
          continue;
        }
        registryProblem = `${host} has no ${path}:${tag ?? 'latest'}`;
      } catch (error) {
        if (!isRegistryError(error)) throw error;
        registryProblem = error.message;
      }
      // No registry digest exists for an imported or locally built image: its ID is the pin.
      const local = await options.engine.inspectImage(ref, options.signal);
      if (local !== undefined) bases.set(ref, { kind: 'local', id: local.Id });
      else problems.push(diagnostic('failed', `cannot lock ${ref}: ${registryProblem}, and the engine has no such image`, { hint: 'Check the reference, or pull or build the image first.' }));
    }
  } finally {
    await Promise.all([...clients.values()].map((c) => c.close()));
  }
  if (problems.length > 0) throw new KilnError(problems);
  return { version: 1, bases };
}
