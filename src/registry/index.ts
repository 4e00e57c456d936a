/** The OCI / distribution registry client. */
export { createRegistryClient } from './client.js';
export type { RegistryClient, RegistryClientOptions, ManifestHead, StoredManifest } from './client.js';
export { RegistryError, isRegistryError } from './errors.js';
export type { RegistryErrorKind, RegistryErrorDetail } from './errors.js';
export { createDockerCredentialStore } from './credentials.js';
export type { CredentialStore, RegistryCredentials, DockerCredentialStoreOptions } from './credentials.js';
export { toEngineAuth, encodeEngineAuthHeader } from './engine-auth.js';
export { manifestMediaTypes, manifestAccept, sha256Digest } from './manifest.js';
export type { Digest } from './manifest.js';
export type { RegistryStats } from './transport.js';
export { parseChallenges } from './challenge.js';
export type { AuthChallenge } from './challenge.js';
export { isLoopback, registryBaseUrl, credentialKey } from './host.js';
