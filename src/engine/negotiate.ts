import { KilnError, diagnostic } from '../diagnostics/diagnostic.js';
import type { EngineInfo } from './engine.js';
import { unreachableError } from './transport.js';
import type { EngineTransport } from './transport.js';

/**
 * The newest API version kiln speaks: Docker 28.5's. From 1.51 on the image listing counts the
 * containers of each image (-1 before), as the docker CLI of that engine shows them: `kiln ls`
 * prints what `docker images` prints only when it asks at the same version.
 */
export const maxApiVersion = '1.51';
/** The oldest API version kiln speaks (Docker 20.10). */
export const minApiVersion = '1.41';
/** How long the engine may take to answer `/_ping` before it counts as unreachable. */
const pingTimeoutMs = 10_000;

/** Compares `1.41`-style versions. */
export function compareApiVersions(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

/**
 * Negotiates like the Go client: unversioned `HEAD /_ping` (GET when HEAD is refused), then
 * `min(kiln's max, the daemon's Api-Version)`; refuses daemons older than 1.41.
 */
export async function negotiate(transport: EngineTransport, signal?: AbortSignal): Promise<EngineInfo> {
  const address = transport.address.display;
  const timeout = AbortSignal.timeout(pingTimeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  try {
    let ping = await transport.send({ method: 'HEAD', path: '/_ping', signal: combined }, '');
    await ping.body.dump();
    if (ping.statusCode >= 400) {
      ping = await transport.send({ method: 'GET', path: '/_ping', signal: combined }, '');
      await ping.body.dump();
    }
    const header = (name: string): string | undefined => {
      const value = ping.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const daemonMax = header('api-version');
    if (ping.statusCode >= 400 || daemonMax === undefined) {
      throw new KilnError(
        diagnostic('unavailable', `${address} does not answer like a Docker engine (HTTP ${ping.statusCode} on /_ping)`, {
          hint: 'point DOCKER_HOST at the Docker engine socket',
        }),
      );
    }
    if (compareApiVersions(daemonMax, minApiVersion) < 0) {
      throw new KilnError(
        diagnostic('unavailable', `the Docker engine at ${address} speaks API ${daemonMax}; kiln needs ${minApiVersion} or newer`, {
          hint: 'upgrade Docker to 20.10 or newer',
        }),
      );
    }
    const apiVersion = compareApiVersions(daemonMax, maxApiVersion) < 0 ? daemonMax : maxApiVersion;
    const version = await daemonVersion(transport, apiVersion, combined);
    const os = (header('ostype') ?? version.os ?? 'linux').toLowerCase();
    const builderVersion = header('builder-version');
    // 20.10 does not send Builder-Version; BuildKit exists on linux daemons from API 1.39.
    const buildkit = builderVersion !== undefined ? builderVersion === '2' : os === 'linux' && compareApiVersions(apiVersion, '1.39') >= 0;
    return { apiVersion, version: version.version, buildkit, address };
  } catch (error) {
    if (timeout.aborted && !signal?.aborted) throw unreachableError(address, `no answer within ${pingTimeoutMs / 1000} s`);
    throw error;
  }
}

async function daemonVersion(transport: EngineTransport, apiVersion: string, signal: AbortSignal): Promise<{ version: string; os?: string }> {
  const response = await transport.send({ method: 'GET', path: '/version', signal }, `/v${apiVersion}`);
  if (response.statusCode >= 300) {
    await response.body.dump();
    return { version: 'unknown' };
  }
  const body = (await response.body.json()) as { Version?: unknown; Os?: unknown };
  return {
    version: typeof body.Version === 'string' ? body.Version : 'unknown',
    ...(typeof body.Os === 'string' ? { os: body.Os } : {}),
  };
}
