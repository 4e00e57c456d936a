import { normalizeReference, referenceParts, registryHostAndPath } from '../model/reference.js';
import type { Engine, RegistryAuth } from '../engine/engine.js';
import { toEngineAuth, type CredentialStore } from '../registry/index.js';

/** A base image reference split the way the registry and the engine need it. */
export interface BaseRef {
  /** As the Dockerfile names it (`busybox:latest`). */
  ref: string;
  /** Registry host (`docker.io`, `127.0.0.1:5000`). */
  host: string;
  /** Repository path inside the registry (`library/busybox`). */
  path: string;
  /** The repository as written, without tag or digest (`busybox`, `127.0.0.1:5000/acme/base`). */
  name: string;
  /** The tag, or `latest` when neither tag nor digest is written. */
  tag?: string;
  digest?: string;
}

/** Splits a reference into registry host, repository path, tag and digest. */
export function baseRef(ref: string): BaseRef {
  const n = normalizeReference(ref);
  return {
    ref,
    ...registryHostAndPath(n.repository),
    name: referenceParts(ref).name,
    ...(n.digest === undefined ? { tag: n.tag ?? 'latest' } : n.tag !== undefined ? { tag: n.tag } : {}),
    ...(n.digest !== undefined ? { digest: n.digest } : {}),
  };
}

/** The engine's X-Registry-Auth credentials for a reference's registry, when the store has some. */
export async function engineAuthFor(ref: string, credentials: CredentialStore | undefined): Promise<RegistryAuth | undefined> {
  if (credentials === undefined) return undefined;
  const { host } = baseRef(ref);
  const creds = await credentials.getAuth(host);
  return creds === undefined ? undefined : toEngineAuth(host, creds);
}

/** Pulls one reference through the engine with the registry's credentials; resolves with the image ID. */
export async function pullWithAuth(options: {
  engine: Engine;
  ref: string;
  credentials?: CredentialStore;
  onLine?: (line: string) => void;
  signal?: AbortSignal;
}): Promise<string | undefined> {
  const auth = await engineAuthFor(options.ref, options.credentials);
  await options.engine.pull(
    options.ref,
    auth,
    (p) => {
      // Per-chunk "Downloading"/"Extracting" updates are for progress bars; plain output keeps the milestones.
      if (p.kind === 'log' && !/: (Downloading|Extracting|Waiting|Verifying Checksum)/.test(p.line)) options.onLine?.(p.line);
    },
    options.signal,
  );
  return (await options.engine.inspectImage(options.ref, options.signal))?.Id;
}
