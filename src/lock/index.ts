/** kiln.lock: pinning external base images to digests, and applying the pins to builds. */
export { readLock, writeLock, parseLock, formatLock, lockPath, type LockFile, type LockedBase } from './lock-file.js';
export { createLock, lockableBases, type CreateLockOptions } from './create-lock.js';
export { lockedBuild, pinnedReference, type LockedBuild } from './locked-build.js';
export { baseRef, pullWithAuth, type BaseRef } from './base-ref.js';
export { pullBases, type PulledBase } from './pull-bases.js';
