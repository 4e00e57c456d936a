/** Image lifecycle: `docker images`-compatible listing output, ls, rm, tag and prune. */
export { formatImages, type FormatImagesOptions, type KilnImageFields } from './format-images.js';
export { listKilnImages, parseFilterFlags, kilnFields, type ListKilnImagesOptions } from './list.js';
export { planPrune, applyPrune, type PruneCandidate, type PruneOptions, type PruneReason, type PruneResult } from './prune.js';
export { removeImages, tagImage, type RemoveResult } from './remove.js';
export { parseUntil, parseGoDuration } from './until.js';
export { splitRepositoryTag } from './reference.js';
