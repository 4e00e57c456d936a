import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { resolveEngineAddress } from './address.js';
import { runBuild } from './build.js';
import type { BuildProgress, BuildRequest, Engine, EngineInfo, ImageFilters, ImageInspect, ImageSummary, RegistryAuth } from './engine.js';
import { commitContainer, imagesInUse, inspectImage, listImages, removeImage, saveImages, searchImages, tagImage } from './images.js';
import type { SearchResult } from './images.js';
import { negotiate } from './negotiate.js';
import { pullImage, pushImage } from './transfer.js';
import { EngineTransport } from './transport.js';
import type { EngineCall } from './transport.js';

/** The Docker Engine API over undici: a unix socket, or tcp with optional TLS. */
class DockerEngine implements Engine {
  readonly #transport: EngineTransport;
  #info: Promise<EngineInfo> | undefined;

  constructor(transport: EngineTransport) {
    this.#transport = transport;
  }

  info(signal?: AbortSignal): Promise<EngineInfo> {
    // One negotiation per engine; a failed one is forgotten so that a later call retries.
    this.#info ??= this.#negotiate(signal).catch((error: unknown) => {
      this.#info = undefined;
      throw error;
    });
    return this.#info;
  }

  async #negotiate(signal?: AbortSignal): Promise<EngineInfo> {
    const info = await negotiate(this.#transport, signal);
    const bridge = await this.#transport.send({ method: 'GET', path: '/networks/bridge', signal }, `/v${info.apiVersion}`);
    await bridge.body.dump();
    return { ...info, bridgeNetwork: bridge.statusCode === 200 };
  }

  /** Sends a call under the negotiated version prefix. */
  readonly #send = async (call: EngineCall): Promise<Dispatcher.ResponseData> => {
    const { apiVersion } = await this.info(call.signal);
    return this.#transport.send(call, `/v${apiVersion}`);
  };

  /** Runs a call and maps connection errors raised while reading its body too. */
  async #guard<T>(signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw this.#transport.translate(error, signal);
    }
  }

  build(request: BuildRequest, onProgress: (p: BuildProgress) => void, signal?: AbortSignal): Promise<{ id: string }> {
    return this.#guard(signal, () => runBuild({ send: this.#send, request, onProgress, ...(signal ? { signal } : {}) }));
  }

  inspectImage(ref: string, signal?: AbortSignal): Promise<ImageInspect | undefined> {
    return this.#guard(signal, () => inspectImage(this.#send, ref, signal));
  }

  listImages(options: { all?: boolean; filters?: ImageFilters }, signal?: AbortSignal): Promise<ImageSummary[]> {
    return this.#guard(signal, () => listImages(this.#send, options, signal));
  }

  tag(image: string, repository: string, tag: string, signal?: AbortSignal): Promise<void> {
    return this.#guard(signal, () => tagImage(this.#send, { image, repository, tag }, signal));
  }

  removeImage(ref: string, options: { force?: boolean; noprune?: boolean }, signal?: AbortSignal): Promise<{ Untagged?: string; Deleted?: string }[]> {
    return this.#guard(signal, () => removeImage(this.#send, ref, options, signal));
  }

  push(repository: string, tag: string, auth: RegistryAuth | undefined, onProgress: (p: BuildProgress) => void, signal?: AbortSignal): Promise<{ digest: string }> {
    return this.#guard(signal, () => pushImage(this.#send, { repository, tag, auth, onProgress }, signal));
  }

  pull(ref: string, auth: RegistryAuth | undefined, onProgress: (p: BuildProgress) => void, signal?: AbortSignal): Promise<void> {
    return this.#guard(signal, () => pullImage(this.#send, { ref, auth, onProgress }, signal));
  }

  imagesInUse(signal?: AbortSignal): Promise<Set<string>> {
    return this.#guard(signal, () => imagesInUse(this.#send, signal));
  }

  search(term: string, options: { limit?: number; filters?: ImageFilters }, signal?: AbortSignal): Promise<SearchResult[]> {
    return this.#guard(signal, () => searchImages(this.#send, term, options, signal));
  }

  commit(
    container: string,
    options: { repository: string; tag?: string; message?: string; changes?: string[]; author?: string; pause?: boolean },
    signal?: AbortSignal,
  ): Promise<{ id: string }> {
    return this.#guard(signal, () => commitContainer(this.#send, container, options, signal));
  }

  save(refs: string[], signal?: AbortSignal): Promise<Readable> {
    return this.#guard(signal, () => saveImages(this.#send, refs, signal));
  }

  close(): Promise<void> {
    return this.#transport.close();
  }
}

/**
 * An engine client. The address comes from `host`, else `DOCKER_HOST` (+ `DOCKER_TLS_VERIFY`,
 * `DOCKER_CERT_PATH`) in `env`, else the current docker context, else `unix:///var/run/docker.sock`.
 * Nothing is contacted until the first call.
 */
export function createEngine(options: { host?: string; env?: NodeJS.ProcessEnv } = {}): Engine {
  return new DockerEngine(new EngineTransport(resolveEngineAddress(options)));
}
