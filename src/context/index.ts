/** Build contexts: what docker would send, its content digest, and the tar that carries it. */
export { walkContext, sortEntries, type ContextEntry, type ContextEntryType, type WalkContextOptions } from './walk.js';
export { createContextFilter, parseDockerignore, type ContextFilter, type ContextFilterOptions } from './dockerignore.js';
export { StatCache, statCachePath, RACY_WINDOW_MS, type FileStamp, type StatCacheOptions } from './stat-cache.js';
export { hashContext, type ContextDigest, type HashContextOptions } from './hash.js';
export { contextTar, generatedDockerfileName, type ContextTarOptions, type TarDockerfile } from './tar.js';
export { contextChanged, type HashedContext } from './verify.js';
