import type { RegistryAuth } from '../engine/engine.js';
import type { RegistryCredentials } from './credentials.js';
import { credentialKey } from './host.js';

/** Credentials in the engine's AuthConfig shape (`serveraddress` is docker's key for the host). */
export function toEngineAuth(host: string, creds: RegistryCredentials): RegistryAuth {
  const serveraddress = credentialKey(host);
  return 'identitytoken' in creds
    ? { identitytoken: creds.identitytoken, serveraddress }
    : { username: creds.username, password: creds.password, serveraddress };
}

/** The X-Registry-Auth / X-Registry-Config header value: padded base64url JSON (unpadded is silently ignored). */
export function encodeEngineAuthHeader(value: RegistryAuth | Record<string, RegistryAuth>): string {
  const encoded = Buffer.from(JSON.stringify(value)).toString('base64url');
  return encoded + '='.repeat((4 - (encoded.length % 4)) % 4);
}
