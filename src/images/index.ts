/** Image lifecycle: `docker images`-compatible listing output, ls, rm, tag and prune. */
export { formatImages, type FormatImagesOptions, type KilnImageFields } from './format-images.js';
export { listKilnImages, parseFilterFlags, kilnFields, type ListKilnImagesOptions } from './list.js';
export { planPrune, type KeepReason, type KeptImage, type PruneCandidate, type PruneOptions, type PrunePlan, type PruneReason } from './prune.js';
export { applyPrune, type PruneResult } from './apply-prune.js';
export { pruneScope, type PruneScope } from './prune-scope.js';
export { removeImages, tagImage, type RemoveResult } from './remove.js';
export { parseUntil, parseGoDuration } from './until.js';
export { splitRepositoryTag } from './reference.js';
