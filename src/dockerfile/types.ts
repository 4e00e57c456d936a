import type { SourceLocation } from '../diagnostics/diagnostic.js';

/** One build stage: a FROM instruction and what follows it up to the next FROM. */
export interface StageInfo {
  index: number;
  /** The `AS` name, lowercased as BuildKit compares stage names case-insensitively. */
  name?: string;
  /** FROM image after ARG expansion. */
  base: string;
  /** FROM image as written. */
  baseRaw: string;
  /** `--platform` after ARG expansion (automatic platform args included). */
  platform?: string;
  /** Set when FROM names an earlier stage. */
  baseStage?: number;
  /** Of the FROM instruction's image argument. */
  location: SourceLocation;
}

/** Where a reference to another stage or image was written. */
export type ReferenceKind = 'from' | 'copy-from' | 'mount-from';

/** A FROM, COPY --from or RUN --mount from= reference. */
export interface ImageReference {
  kind: ReferenceKind;
  /** Stage index containing it. */
  stage: number;
  raw: string;
  /** After ARG expansion. */
  ref: string;
  /** Set when it names a stage (by name or index). */
  stageRef?: number;
  /** Of the reference text (the FROM image argument, the --from value, the from= value). */
  location: SourceLocation;
}

/** What kiln needs to know about one Dockerfile. */
export interface DockerfileAnalysis {
  /** The file as given to analyzeDockerfile (locations use it). */
  file: string;
  /** How messages name the file (a path relative to the project); defaults to `file`. */
  displayPath?: string;
  stages: StageInfo[];
  references: ImageReference[];
  /** Global ARGs before the first FROM with their effective values. */
  globalArgs: Record<string, string | undefined>;
}
