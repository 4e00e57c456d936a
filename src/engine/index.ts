/** The Docker engine client: kiln's `Engine` over the Docker Engine API. */
export { createEngine } from './docker-engine.js';
export { resolveEngineAddress } from './address.js';
export type { EngineAddress } from './address.js';
export { BuildError, classifyBuildError } from './build-error.js';
export type { BuildFailureKind } from './build-error.js';
export { EngineRequestError } from './transport.js';
export { encodeRegistryAuth } from './registry-auth.js';
export type * from './engine.js';
