import type { ImageSummary } from '../../src/engine/engine.js';

/** An image summary as API 1.41 lists it, with overridable fields. */
export function summary(fields: Partial<ImageSummary> & { Id: string }): ImageSummary {
  return {
    ParentId: '',
    RepoTags: null,
    RepoDigests: null,
    Created: 1_795_867_306,
    Size: 1_985_484,
    SharedSize: -1,
    VirtualSize: fields.Size ?? 1_985_484,
    Labels: null,
    Containers: -1,
    ...fields,
  };
}

/** A 64-hex ID made of one repeated character, prefixed `sha256:`. */
export const id = (ch: string): string => `sha256:${ch.repeat(64)}`;
