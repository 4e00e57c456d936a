import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KilnError, diagnostic } from '../diagnostics/diagnostic.js';

/** Where the engine listens, resolved the way the docker CLI does it. */
export interface EngineAddress {
  /** As the user would write it, for messages (`unix:///var/run/docker.sock`, `tcp://host:2376`). */
  display: string;
  /** HTTP origin undici connects to (`http://localhost` for a socket). */
  origin: string;
  socketPath?: string;
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized: boolean };
}

/** The engine's default socket on Linux. */
export const defaultEngineHost = 'unix:///var/run/docker.sock';

/**
 * Resolves the engine address: an explicit host, else `DOCKER_HOST` (with `DOCKER_TLS_VERIFY` and
 * `DOCKER_CERT_PATH`), else the current docker context (`DOCKER_CONTEXT` or `currentContext` in
 * `$DOCKER_CONFIG/config.json`), else the default socket.
 */
export function resolveEngineAddress(options: { host?: string; env?: NodeJS.ProcessEnv } = {}): EngineAddress {
  const env = options.env ?? process.env;
  if (options.host) return parseHost(options.host, envTls(env));
  if (env.DOCKER_HOST) return parseHost(env.DOCKER_HOST, envTls(env));
  const context = contextEndpoint(env);
  if (context) return parseHost(context.host, context.tls);
  return parseHost(defaultEngineHost, undefined);
}

type TlsFiles = EngineAddress['tls'];

function parseHost(host: string, tls: TlsFiles): EngineAddress {
  const match = /^([a-z0-9+]+):\/\/(.*)$/i.exec(host);
  const scheme = match?.[1]?.toLowerCase();
  const rest = match?.[2] ?? '';
  switch (scheme) {
    case 'unix':
      return { display: host, origin: 'http://localhost', socketPath: rest };
    case 'tcp':
    case 'http':
    case 'https': {
      const secure = scheme === 'https' || tls !== undefined;
      const authority = rest.replace(/\/.*$/, '');
      return { display: host, origin: `${secure ? 'https' : 'http'}://${authority}`, ...(secure ? { tls: tls ?? { rejectUnauthorized: true } } : {}) };
    }
    default:
      throw new KilnError(
        diagnostic('usage', `unsupported Docker engine address ${JSON.stringify(host)}`, {
          hint: 'use unix:///path/to/docker.sock or tcp://host:port in DOCKER_HOST',
        }),
      );
  }
}

/** TLS settings from the environment, as the docker CLI reads them (`DOCKER_TLS_VERIFY` non-empty means verify). */
function envTls(env: NodeJS.ProcessEnv): TlsFiles {
  const verify = Boolean(env.DOCKER_TLS_VERIFY);
  if (!verify && !env.DOCKER_TLS) return undefined;
  const dir = env.DOCKER_CERT_PATH || configDir(env);
  return { ...readTlsDir(dir), rejectUnauthorized: verify };
}

function readTlsDir(dir: string): { ca?: Buffer; cert?: Buffer; key?: Buffer } {
  const read = (name: string): Buffer | undefined => {
    try {
      return readFileSync(join(dir, name));
    } catch {
      return undefined;
    }
  };
  const files = { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') };
  return Object.fromEntries(Object.entries(files).filter(([, v]) => v !== undefined));
}

function configDir(env: NodeJS.ProcessEnv): string {
  return env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker');
}

/** The docker endpoint of the current context, unless it is the built-in `default`. */
function contextEndpoint(env: NodeJS.ProcessEnv): { host: string; tls: TlsFiles } | undefined {
  const dir = configDir(env);
  let name = env.DOCKER_CONTEXT;
  if (!name) {
    try {
      const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { currentContext?: unknown };
      if (typeof config.currentContext === 'string') name = config.currentContext;
    } catch {
      return undefined; // no config file: the default engine
    }
  }
  if (!name || name === 'default') return undefined;
  // The CLI stores contexts under the sha256 of their name.
  const id = createHash('sha256').update(name).digest('hex');
  const metaPath = join(dir, 'contexts', 'meta', id, 'meta.json');
  let host: unknown;
  let skipVerify = false;
  try {
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as { Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } } };
    host = meta.Endpoints?.docker?.Host;
    skipVerify = meta.Endpoints?.docker?.SkipTLSVerify === true;
  } catch {
    host = undefined;
  }
  if (typeof host !== 'string' || host === '') {
    throw new KilnError(
      diagnostic('usage', `docker context "${name}" has no Docker endpoint (${metaPath})`, {
        hint: 'run `docker context ls` and `docker context use default`, or set DOCKER_HOST',
      }),
    );
  }
  const tlsFiles = readTlsDir(join(dir, 'contexts', 'tls', id, 'docker'));
  const tls = Object.keys(tlsFiles).length > 0 ? { ...tlsFiles, rejectUnauthorized: !skipVerify } : undefined;
  return { host, tls };
}
