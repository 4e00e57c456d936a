import type { Dispatcher } from 'undici';
import { classifyBuildError } from './build-error.js';
import { BuildKitProgress, ClassicProgress } from './build-progress.js';
import type { BuildProgress, BuildRequest } from './engine.js';
import { auxField, jsonMessages, messageError } from './json-stream.js';
import { encodeRegistryAuth } from './registry-auth.js';
import { decodeTrace } from './trace.js';
import { readErrorMessage } from './transport.js';
import type { EngineCall, Query } from './transport.js';

/** Sends a versioned call to the engine. */
export type EngineSend = (call: EngineCall) => Promise<Dispatcher.ResponseData>;

/** The `/build` query for a request (spec §2.1). */
export function buildQuery(request: BuildRequest): Query {
  const json = (value: Record<string, string> | undefined) => (value && Object.keys(value).length > 0 ? JSON.stringify(value) : undefined);
  return {
    version: request.builder === 'buildkit' ? '2' : '1',
    dockerfile: request.dockerfile,
    t: request.tags && request.tags.length > 0 ? request.tags : undefined,
    target: request.target || undefined,
    buildargs: json(request.args),
    labels: json(request.labels),
    platform: request.platform || undefined,
    // The test engines (and many CI engines) have no bridge network; BuildKit RUN fails with the default.
    networkmode: request.networkMode ?? 'none',
    nocache: request.noCache ? true : undefined,
    pull: request.pull ? true : undefined,
    rm: true,
    forcerm: true,
  };
}

/**
 * Runs one build: streams the context tar as the body, relays progress, resolves with the image
 * ID (the last `aux.ID`, spec §2.3), and rejects with a BuildError on any failure. Aborting the
 * signal closes the request, which makes the engine cancel the build.
 */
export async function runBuild(options: {
  send: EngineSend;
  request: BuildRequest;
  onProgress: (progress: BuildProgress) => void;
  signal?: AbortSignal;
}): Promise<{ id: string }> {
  const { request, onProgress } = options;
  const dockerfile = request.dockerfileLocation ?? request.dockerfile;
  const headers: Record<string, string> = { 'content-type': 'application/x-tar' };
  if (request.registryConfig && Object.keys(request.registryConfig).length > 0) {
    headers['x-registry-config'] = encodeRegistryAuth(request.registryConfig);
  }
  const response = await options.send({ method: 'POST', path: '/build', query: buildQuery(request), headers, body: request.context, signal: options.signal });
  if (response.statusCode >= 300) {
    throw classifyBuildError({ message: await readErrorMessage(response), dockerfile });
  }
  const buildkit = new BuildKitProgress(onProgress);
  const classic = new ClassicProgress(onProgress);
  let id: string | undefined;
  let error: string | undefined;
  for await (const message of jsonMessages(response.body)) {
    const failure = messageError(message);
    if (failure !== undefined) {
      error ??= failure;
      continue;
    }
    if (message.id === 'moby.buildkit.trace' && typeof message.aux === 'string') {
      buildkit.update(decodeTrace(message.aux));
      continue;
    }
    id = auxField(message, 'ID') ?? id;
    if (message.stream !== undefined) {
      // With q=1 the image ID arrives as the only stream line.
      const quiet = /^(sha256:[0-9a-f]{64})\s*$/.exec(message.stream);
      if (quiet) id ??= quiet[1];
      else classic.write(message.stream);
    }
  }
  buildkit.flush();
  classic.finish(error === undefined);
  if (error !== undefined) {
    const context = request.builder === 'buildkit' ? buildkit.failure() : classic.failure();
    throw classifyBuildError({ message: error, ...context, dockerfile });
  }
  if (id === undefined) throw classifyBuildError({ message: 'the engine finished the build without an image ID', dockerfile });
  return { id };
}
