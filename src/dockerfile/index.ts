/** Dockerfile analysis: stages, image references, ARG expansion, pinning. */
export type { DockerfileAnalysis, ImageReference, ReferenceKind, StageInfo } from './types.js';
export { analyzeDockerfile, type AnalyzeOptions } from './analyze.js';
export { neededStages, imageReferences } from './stages.js';
export { pinBaseImages, rewriteReferences, type PinOptions, type RewrittenDockerfile } from './pin.js';
export { expandWord, type ExpandOptions, type Expansion } from './shell-words.js';
export { platformArgs } from './platform.js';
