// docker's config.json (and DOCKER_AUTH_CONFIG), read for credentials. It holds passwords, so every
// error says what is wrong and where (path:line:col) and never shows a line, a value or a key of it
// (a broken file may hold a secret where a key should be).
import { diagnostic, type Diagnostic, type SourceLocation } from '../diagnostics/diagnostic.js';
import { lineColumn, parseJsonTree, type JsonNode } from '../util/json-tree.js';
import { fail, ok, type Result } from '../util/result.js';

/** One `auths` entry, and where its `auth` value is written. */
export interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
  /** Where the `auth` value is, for an error that points at it. */
  authAt?: SourceLocation;
}

/** The fields of docker's configuration kiln reads. */
export interface DockerConfigFile {
  auths?: Record<string, AuthEntry>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/** Where a configuration came from: a file (errors point into it) or the DOCKER_AUTH_CONFIG variable. */
export type ConfigSource = { file: string } | { variable: string };

const hint = 'Fix it, or run `docker login` to rewrite it. kiln never prints this file\'s lines: it holds credentials.';

/** Parses and checks a docker configuration; the failure is a usage diagnostic with a location and no content. */
export function parseDockerConfig(text: string, source: ConfigSource): Result<DockerConfigFile, Diagnostic> {
  const at = (offset: number): { location: SourceLocation } | { where: string } => {
    const { line, column } = lineColumn(text, offset);
    return 'file' in source ? { location: { file: source.file, line, column, secret: true } } : { where: ` at line ${line}, column ${column}` };
  };
  const name = 'file' in source ? 'the docker config' : source.variable;
  const problem = (message: string, offset: number): Diagnostic => {
    const place = at(offset);
    return 'location' in place
      ? diagnostic('usage', message, { location: place.location, hint })
      : diagnostic('usage', `${message}${place.where}`, { hint: `Fix ${name}: it must be the JSON of a docker config.json.` });
  };
  const tree = parseJsonTree(text);
  if (!tree.ok) return fail(problem(`JSON syntax error in ${name}: ${tree.error.message}`, tree.error.offset));
  const root = tree.value;
  if (root.kind !== 'object') return fail(problem(`${name} is valid JSON but not an object (${describe(root)})`, root.offset));
  const config: DockerConfigFile = {};
  for (const { key, value } of root.entries) {
    if (key === 'auths') {
      if (value.kind === 'null') continue;
      if (value.kind !== 'object') return fail(problem(`"auths" in ${name} is not an object (${describe(value)})`, value.offset));
      config.auths = {};
      for (const entry of value.entries) {
        if (entry.value.kind !== 'object') return fail(problem(`an entry of "auths" in ${name} is not an object (${describe(entry.value)})`, entry.value.offset));
        const auth: AuthEntry = {};
        for (const field of entry.value.entries) {
          if (!['auth', 'username', 'password', 'identitytoken'].includes(field.key) || field.value.kind === 'null') continue;
          if (field.value.kind !== 'string') return fail(problem(`"${field.key}" of an "auths" entry in ${name} is not a string (${describe(field.value)})`, field.value.offset));
          auth[field.key as 'auth' | 'username' | 'password' | 'identitytoken'] = field.value.value;
          if (field.key === 'auth') {
            const place = at(field.value.offset);
            if ('location' in place) auth.authAt = place.location;
          }
        }
        config.auths[entry.key] = auth;
      }
    } else if (key === 'credsStore') {
      if (value.kind !== 'string') return fail(problem(`"credsStore" in ${name} is not a string (${describe(value)})`, value.offset));
      config.credsStore = value.value;
    } else if (key === 'credHelpers') {
      if (value.kind !== 'object') return fail(problem(`"credHelpers" in ${name} is not an object (${describe(value)})`, value.offset));
      config.credHelpers = {};
      for (const entry of value.entries) {
        if (entry.value.kind !== 'string') return fail(problem(`an entry of "credHelpers" in ${name} is not a string (${describe(entry.value)})`, entry.value.offset));
        config.credHelpers[entry.key] = entry.value.value;
      }
    }
  }
  return ok(config);
}

/** What a value is, without its content. */
function describe(node: JsonNode): string {
  return node.kind === 'array' ? 'an array' : node.kind === 'object' ? 'an object' : node.kind === 'null' ? 'null' : `a ${node.kind}`;
}

/**
 * Decodes an `auth` value, which must be standard base64 of `user:password` as `docker login`
 * writes it; the failure names the registry key and points at the value, never shows it.
 */
export function decodeAuth(entry: AuthEntry, key: string, source: string): Result<{ username: string; password: string }, Diagnostic> {
  const where = entry.authAt === undefined ? {} : { location: entry.authAt };
  const auth = entry.auth ?? '';
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(auth) || auth.length % 4 !== 0) {
    return fail(diagnostic('usage', `the "auth" of "${key}" in ${source} is not base64`, { ...where, hint: `Run \`docker login ${key}\` again.` }));
  }
  const decoded = Buffer.from(auth, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) {
    return fail(diagnostic('usage', `the "auth" of "${key}" in ${source} is not base64 of user:password`, { ...where, hint: `Run \`docker login ${key}\` again.` }));
  }
  return ok({ username: decoded.slice(0, colon), password: decoded.slice(colon + 1).replace(/\0+$/, '') });
}
