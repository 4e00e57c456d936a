import { parseReference, registryHostAndPath } from '../model/reference.js';
import type { RegistryAuth } from '../engine/engine.js';
import { createDockerCredentialStore, createRegistryClient, toEngineAuth, type CredentialStore, type RegistryClient, type RegistryStats } from '../registry/index.js';

/** Where a manifest repository lives: the registry host and the repository path on it. */
export interface RegistryLocation {
  /** `127.0.0.1:5000`, `docker.io`. */
  host: string;
  /** `acme/api`, `library/busybox`. */
  path: string;
  /** Whether the repository names its registry (`127.0.0.1:5000/acme/api`), rather than defaulting to Docker Hub. */
  explicit: boolean;
}

/** Splits a repository (`127.0.0.1:5000/acme/api`) into host and path, as docker does. */
export function registryLocation(repository: string): RegistryLocation {
  const parsed = parseReference(repository);
  if (!parsed.ok) return { host: 'docker.io', path: repository, explicit: false };
  const { host, path } = registryHostAndPath(parsed.value.repository);
  return { host, path, explicit: repository.startsWith(`${host}/`) };
}

/** Registry clients and engine credentials, one per registry host, for a command's lifetime. */
export interface RegistryAccess {
  /** The client of a host (created on first use). */
  client(host: string): RegistryClient;
  /** The X-Registry-Auth credentials for a host, or undefined for anonymous. */
  engineAuth(host: string): Promise<RegistryAuth | undefined>;
  /** What every client moved so far, summed. */
  stats(): RegistryStats;
  close(): Promise<void>;
}

/** Options of createRegistryAccess. */
export interface RegistryAccessOptions {
  /** Environment for DOCKER_CONFIG and credential helpers. */
  env: NodeJS.ProcessEnv;
  /** Registries reached over plain http (the manifest's `insecure_registries`). */
  insecureRegistries?: readonly string[];
  /** Credential store to use instead of docker's config (tests). */
  credentials?: CredentialStore;
  /** Retries of idempotent registry requests (default: the client's). */
  retries?: number;
}

/** Creates the registry access of one command: docker's credentials, a client per host. */
export function createRegistryAccess(options: RegistryAccessOptions): RegistryAccess {
  const credentials = options.credentials ?? createDockerCredentialStore({ env: options.env });
  const clients = new Map<string, RegistryClient>();
  const client = (host: string): RegistryClient => {
    let c = clients.get(host);
    if (c === undefined) {
      c = createRegistryClient({
        host,
        credentials,
        ...(options.insecureRegistries?.includes(host) ? { insecure: true } : {}),
        ...(options.retries !== undefined ? { retries: options.retries } : {}),
      });
      clients.set(host, c);
    }
    return c;
  };
  return {
    client,
    async engineAuth(host) {
      const creds = await credentials.getAuth(host);
      return creds === undefined ? undefined : toEngineAuth(host, creds);
    },
    stats() {
      const total: RegistryStats = { blobUploads: 0, blobBytesUploaded: 0, blobMounts: 0, manifestPuts: 0, requests: 0 };
      for (const c of clients.values()) {
        for (const k of Object.keys(total) as (keyof RegistryStats)[]) total[k] += c.stats[k];
      }
      return total;
    },
    async close() {
      await Promise.all([...clients.values()].map((c) => c.close()));
    },
  };
}
