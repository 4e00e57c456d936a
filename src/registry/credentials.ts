import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KilnError, diagnostic } from '../diagnostics/diagnostic.js';
import { RegistryError } from './errors.js';
import { convertToHostname, credentialKey } from './host.js';

/** Credentials for one registry: a user and password, or an identity (refresh) token. */
export type RegistryCredentials = { username: string; password: string } | { identitytoken: string };

/** Where the registry client gets credentials from. */
export interface CredentialStore {
  /** Credentials for a registry host (`127.0.0.1:5000`, `ghcr.io`, `docker.io`), or undefined for anonymous. */
  getAuth(host: string): Promise<RegistryCredentials | undefined>;
}

/** Options for reading docker's credential configuration. */
export interface DockerCredentialStoreOptions {
  /** Folder holding config.json; default `$DOCKER_CONFIG`, else `~/.docker`. */
  configDir?: string;
  /** Environment for DOCKER_CONFIG, DOCKER_AUTH_CONFIG and the helpers' PATH; default process.env. */
  env?: NodeJS.ProcessEnv;
}

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
}

interface DockerConfigFile {
  auths?: Record<string, AuthEntry>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/** A store reading docker's config.json and credential helpers, in the docker CLI's lookup order. */
export function createDockerCredentialStore(options: DockerCredentialStoreOptions = {}): CredentialStore {
  const env = options.env ?? process.env;
  const configDir = options.configDir ?? env.DOCKER_CONFIG ?? join(homedir(), '.docker');
  const configPath = join(configDir, 'config.json');
  let config: Promise<DockerConfigFile> | undefined;
  return {
    async getAuth(host) {
      const key = credentialKey(host);
      // CLI >= 28.4: DOCKER_AUTH_CONFIG overrides the stores for the keys it holds.
      const fromEnv = env.DOCKER_AUTH_CONFIG ? lookupAuths(parseConfig(env.DOCKER_AUTH_CONFIG, 'DOCKER_AUTH_CONFIG').auths, key) : undefined;
      if (fromEnv !== undefined) return fromEntry(fromEnv, 'DOCKER_AUTH_CONFIG');
      config ??= loadConfig(configPath);
      const file = await config;
      const helper = file.credHelpers?.[key] ?? file.credsStore;
      if (helper) return helperGet({ helper, key, env });
      const entry = lookupAuths(file.auths, key);
      return entry === undefined ? undefined : fromEntry(entry, configPath);
    },
  };
}

async function loadConfig(path: string): Promise<DockerConfigFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  return parseConfig(text, path);
}

function parseConfig(text: string, source: string): DockerConfigFile {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null) return value as DockerConfigFile;
  } catch {
    // reported below
  }
  throw new KilnError(
    diagnostic('usage', `${source} is not a valid docker configuration (expected a JSON object)`, {
      ...(source.endsWith('.json') ? { location: { file: source, line: 1, column: 1 } } : {}),
      hint: 'Fix the JSON, or run `docker login` to rewrite it.',
    }),
  );
}

function lookupAuths(auths: Record<string, AuthEntry> | undefined, key: string): AuthEntry | undefined {
  if (auths === undefined) return undefined;
  if (auths[key] !== undefined) return auths[key];
  // Legacy keys such as `https://host/v1/` match by hostname (docker's fileStore.Get).
  return Object.entries(auths).find(([k]) => convertToHostname(k) === key)?.[1];
}

function fromEntry(entry: AuthEntry, source: string): RegistryCredentials | undefined {
  if (entry.identitytoken) return { identitytoken: entry.identitytoken };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) {
      throw new KilnError(
        diagnostic('usage', `${source}: an "auth" entry is not base64 of user:password`, {
          hint: 'Run `docker login` again for that registry.',
        }),
      );
    }
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1).replace(/\0+$/, '') };
  }
  if (entry.username && entry.password !== undefined) return { username: entry.username, password: entry.password };
  return undefined;
}

const notFoundMessage = 'credentials not found in native keychain';

/** Runs `docker-credential-<helper> get` with the server key on stdin. */
async function helperGet(options: { helper: string; key: string; env: NodeJS.ProcessEnv }): Promise<RegistryCredentials | undefined> {
  const program = `docker-credential-${options.helper}`;
  const { code, stdout, spawnError } = await run(program, ['get'], options.key, options.env);
  if (spawnError !== undefined) {
    throw new RegistryError('auth', `credential helper ${program} could not be run: ${spawnError.message}`, {
      host: options.key,
      hint: `Install ${program} on PATH, or remove it from your docker config.json.`,
    });
  }
  if (code !== 0) {
    if (stdout.trim() === notFoundMessage) return undefined;
    throw new RegistryError('auth', `credential helper ${program} failed for ${options.key}: ${stdout.trim()}`, {
      host: options.key,
    });
  }
  const reply = JSON.parse(stdout) as { Username?: string; Secret?: string };
  if (!reply.Secret) return undefined;
  // The helper protocol marks identity tokens with the username `<token>`.
  if (reply.Username === '<token>') return { identitytoken: reply.Secret };
  return { username: reply.Username ?? '', password: reply.Secret };
}

function run(program: string, args: string[], input: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; spawnError?: Error }> {
  return new Promise((resolve) => {
    const child = spawn(program, args, { env, stdio: ['pipe', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.on('error', (spawnError) => resolve({ code: null, stdout, spawnError }));
    child.on('close', (code) => resolve({ code, stdout }));
    child.stdin.on('error', () => {}); // a helper may exit before reading stdin
    child.stdin.end(input);
  });
}
