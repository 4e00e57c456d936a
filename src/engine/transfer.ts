import type { Dispatcher } from 'undici';
import type { DiagnosticKind } from '../diagnostics/diagnostic.js';
import { referenceParts } from '../model/reference.js';
import type { EngineSend } from './build.js';
import type { BuildProgress, RegistryAuth } from './engine.js';
import { pathRef } from './images.js';
import { auxField, jsonMessages, messageError } from './json-stream.js';
import type { JsonMessage } from './json-stream.js';
import { encodeRegistryAuth } from './registry-auth.js';
import { EngineRequestError, readErrorMessage } from './transport.js';

/** Registry failures that mean "unreachable or refused" (exit 3) rather than "failed" (exit 1). */
const refusedPattern = /connection refused|no such host|dial tcp|i\/o timeout|unauthorized|authentication required|no basic auth credentials|denied/i;

function transferError(status: number, what: string, message: string): EngineRequestError {
  const kind: DiagnosticKind = refusedPattern.test(message) ? 'unavailable' : 'failed';
  const hint = kind === 'unavailable' ? 'check that the registry is reachable and the credentials are right (docker login)' : undefined;
  return new EngineRequestError({ status, message: `${what}: ${message}`, kind, ...(hint ? { hint } : {}) });
}

/** Relays a push/pull stream as log lines (one per layer state change, not per progress frame). */
async function followTransfer(
  response: Dispatcher.ResponseData,
  what: string,
  onProgress: (progress: BuildProgress) => void,
  onMessage?: (message: JsonMessage) => void,
): Promise<void> {
  if (response.statusCode >= 300) throw transferError(response.statusCode, what, await readErrorMessage(response));
  for await (const message of jsonMessages(response.body)) {
    const error = messageError(message);
    if (error !== undefined) throw transferError(response.statusCode, what, error);
    onMessage?.(message);
    if (message.status && message.progressDetail?.current === undefined) {
      onProgress({ kind: 'log', line: message.id ? `${message.id}: ${message.status}` : message.status });
    }
  }
}

/** The push result line of engines without an aux digest (containerd store, spec §3.7). */
const pushedLine = /^(.+): digest: (sha256:[0-9a-f]{64}) size: (\d+)$/;

/** POST /images/{repository}/push?tag=: one tag; resolves with the manifest digest. */
export async function pushImage(
  send: EngineSend,
  options: { repository: string; tag: string; auth: RegistryAuth | undefined; onProgress: (progress: BuildProgress) => void },
  signal?: AbortSignal,
): Promise<{ digest: string }> {
  const what = `push ${options.repository}:${options.tag}`;
  const response = await send({
    method: 'POST',
    path: `/images/${pathRef(options.repository)}/push`,
    query: { tag: options.tag },
    headers: { 'x-registry-auth': encodeRegistryAuth(options.auth) },
    signal,
  });
  let digest: string | undefined;
  await followTransfer(response, what, options.onProgress, (message) => {
    digest = auxField(message, 'Digest') ?? digest ?? (message.status ? pushedLine.exec(message.status)?.[2] : undefined);
  });
  if (digest === undefined) throw new EngineRequestError({ status: response.statusCode, message: `${what}: the engine reported no digest` });
  return { digest };
}

/** Splits `repo[:tag][@digest]` into the `fromImage` and `tag` of POST /images/create. */
export function splitReference(ref: string): { repository: string; tag: string } {
  const { name, tag, digest } = referenceParts(ref);
  // A digest goes in `tag` too; no tag means "all tags" to the API, so it is never left empty.
  return { repository: digest !== undefined ? ref.slice(0, ref.indexOf('@')) : name, tag: digest ?? tag ?? 'latest' };
}

/** POST /images/create?fromImage=&tag=: pulls one tag or digest. */
export async function pullImage(
  send: EngineSend,
  options: { ref: string; auth: RegistryAuth | undefined; onProgress: (progress: BuildProgress) => void },
  signal?: AbortSignal,
): Promise<void> {
  const { repository, tag } = splitReference(options.ref);
  const response = await send({
    method: 'POST',
    path: '/images/create',
    query: { fromImage: repository, tag },
    headers: { 'x-registry-auth': encodeRegistryAuth(options.auth) },
    signal,
  });
  await followTransfer(response, `pull ${options.ref}`, options.onProgress);
}
