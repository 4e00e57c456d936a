import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { diagnostic, KilnError } from '../diagnostics/diagnostic.js';
import { decodeAuth, parseDockerConfig, type AuthEntry, type ConfigSource, type DockerConfigFile } from './docker-config.js';
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
      const fromEnv = env.DOCKER_AUTH_CONFIG ? lookupAuths(parsed(env.DOCKER_AUTH_CONFIG, { variable: 'DOCKER_AUTH_CONFIG' }).auths, key) : undefined;
      if (fromEnv !== undefined) return fromEntry(fromEnv, key, 'DOCKER_AUTH_CONFIG');
      config ??= loadConfig(configPath);
      const file = await config;
      const helper = file.credHelpers?.[key] ?? file.credsStore;
      if (helper) return helperGet({ helper, key, env });
      const entry = lookupAuths(file.auths, key);
      return entry === undefined ? undefined : fromEntry(entry, key, 'the docker config');
    },
  };
}

async function loadConfig(path: string): Promise<DockerConfigFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return {};
    throw new KilnError(diagnostic('usage', `cannot read the docker config ${path} (${code ?? 'error'})`, { hint: 'Check the file and its permissions, or set DOCKER_CONFIG.' }));
  }
  return parsed(text, { file: path });
}

/** The configuration, or the usage error saying what is wrong and where, never quoting it. */
function parsed(text: string, source: ConfigSource): DockerConfigFile {
  const result = parseDockerConfig(text, source);
  if (!result.ok) throw new KilnError(result.error);
  return result.value;
}

function lookupAuths(auths: Record<string, AuthEntry> | undefined, key: string): AuthEntry | undefined {
  if (auths === undefined) return undefined;
  if (auths[key] !== undefined) return auths[key];
  // Legacy keys such as `https://host/v1/` match by hostname (docker's fileStore.Get).
  return Object.entries(auths).find(([k]) => convertToHostname(k) === key)?.[1];
}

function fromEntry(entry: AuthEntry, key: string, source: string): RegistryCredentials | undefined {
  if (entry.identitytoken) return { identitytoken: entry.identitytoken };
  if (entry.auth) {
    const decoded = decodeAuth(entry, key, source);
    if (!decoded.ok) throw new KilnError(decoded.error);
    return decoded.value;
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
    // Its output is not shown: a helper may echo what it was given or holds.
    throw new RegistryError('auth', `credential helper ${program} failed for ${options.key} (exit code ${code ?? 'none'})`, {
      host: options.key,
      hint: `Run \`echo ${options.key} | ${program} get\` to see its message.`,
    });
  }
  let reply: { Username?: unknown; Secret?: unknown };
  try {
    reply = JSON.parse(stdout) as { Username?: unknown; Secret?: unknown };
  } catch {
    // JSON.parse's message would quote the reply, secret included.
    throw new RegistryError('auth', `credential helper ${program} sent a reply for ${options.key} that is not JSON`, { host: options.key });
  }
  if (typeof reply !== 'object' || reply === null || typeof reply.Secret !== 'string' || reply.Secret === '') return undefined;
  // The helper protocol marks identity tokens with the username `<token>`.
  if (reply.Username === '<token>') return { identitytoken: reply.Secret };
  return { username: typeof reply.Username === 'string' ? reply.Username : '', password: reply.Secret };
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
