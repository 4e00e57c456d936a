import type { Readable } from 'node:stream';

/** What the engine said about itself at negotiation. */
export interface EngineInfo {
  /** The API version kiln speaks with it (`1.41`). */
  apiVersion: string;
  /** Daemon version (`20.10.24+dfsg1`). */
  version: string;
  /** Whether BuildKit (build API version 2) is available. */
  buildkit: boolean;
  /** How the engine was reached, for messages (`unix:///run/docker.sock`). */
  address: string;
  /** False when the engine has no `bridge` network (dockerd --bridge=none): BuildKit RUN then needs network mode host. */
  bridgeNetwork?: boolean;
}

/** A build progress update, decoded from BuildKit's trace or the classic builder's stream. */
export type BuildProgress =
  | { kind: 'step'; name: string; index?: number; total?: number; cached?: boolean; completed?: boolean; error?: string }
  | { kind: 'log'; line: string; stream?: 'stdout' | 'stderr' };

/** One build request. The context tar is produced by the caller. */
export interface BuildRequest {
  /** The context as a tar stream (produced lazily, never buffered whole). */
  context: Readable;
  /** Dockerfile path inside the context tar. */
  dockerfile: string;
  /** The Dockerfile's path on disk, for the location of Dockerfile diagnostics (default: `dockerfile`). */
  dockerfileLocation?: string;
  target?: string;
  args?: Record<string, string>;
  labels?: Record<string, string>;
  /** Full references to tag (`repo:tag`). Prefer tagging after success; see scheduler. */
  tags?: string[];
  platform?: string;
  noCache?: boolean;
  pull?: boolean;
  builder: 'buildkit' | 'classic';
  /** Build network mode; `none`/`host` work on engines without a bridge network. */
  networkMode?: string;
  /** Registry credentials for base images (classic builder only), keyed by registry host. */
  registryConfig?: Record<string, RegistryAuth>;
}

/** Credentials in the engine's AuthConfig shape. */
export interface RegistryAuth {
  username?: string;
  password?: string;
  identitytoken?: string;
  registrytoken?: string;
  serveraddress?: string;
}

/** An image as the engine's list endpoint describes it. */
export interface ImageSummary {
  Id: string;
  ParentId: string;
  RepoTags: string[] | null;
  RepoDigests: string[] | null;
  /** Unix seconds. */
  Created: number;
  Size: number;
  SharedSize: number;
  VirtualSize?: number;
  Labels: Record<string, string> | null;
  Containers: number;
}

/** The parts of image inspect kiln uses. */
export interface ImageInspect {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  Created: string;
  Size: number;
  Config?: { Labels?: Record<string, string> | null } | null;
}

/** Filters for listing images, as the engine takes them (`{"label":["a=b"]}`). */
export type ImageFilters = Record<string, string[]>;

/** The engine, behind kiln's own narrow interface. Every call takes an AbortSignal. */
export interface Engine {
  /** Negotiates the API version; throws an unavailable KilnError naming the address when unreachable. */
  info(signal?: AbortSignal): Promise<EngineInfo>;
  /** Builds; resolves with the image ID. Rejects with a BuildError on a failed build. */
  build(request: BuildRequest, onProgress: (p: BuildProgress) => void, signal?: AbortSignal): Promise<{ id: string }>;
  inspectImage(ref: string, signal?: AbortSignal): Promise<ImageInspect | undefined>;
  listImages(options: { all?: boolean; filters?: ImageFilters }, signal?: AbortSignal): Promise<ImageSummary[]>;
  /** Points `repo:tag` at the image. */
  tag(image: string, repository: string, tag: string, signal?: AbortSignal): Promise<void>;
  removeImage(ref: string, options: { force?: boolean; noprune?: boolean }, signal?: AbortSignal): Promise<{ Untagged?: string; Deleted?: string }[]>;
  /** Pushes one tag; resolves with the manifest digest. */
  push(repository: string, tag: string, auth: RegistryAuth | undefined, onProgress: (p: BuildProgress) => void, signal?: AbortSignal): Promise<{ digest: string }>;
  /** Pulls `ref` (tag or digest). */
  pull(ref: string, auth: RegistryAuth | undefined, onProgress: (p: BuildProgress) => void, signal?: AbortSignal): Promise<void>;
  /** Image IDs used by containers (running or stopped). */
  imagesInUse(signal?: AbortSignal): Promise<Set<string>>;
  search(term: string, options: { limit?: number; filters?: ImageFilters }, signal?: AbortSignal): Promise<{ name: string; description: string; star_count: number; is_official: boolean; is_automated: boolean }[]>;
  commit(container: string, options: { repository: string; tag?: string; message?: string; changes?: string[]; author?: string; pause?: boolean }, signal?: AbortSignal): Promise<{ id: string }>;
  /** Streams `docker save` of the given references. */
  save?(refs: string[], signal?: AbortSignal): Promise<Readable>;
  /** Releases connections. */
  close(): Promise<void>;
}
