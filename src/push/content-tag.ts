/**
 * Content tags: each pushed image also gets `kiln-<first 20 hex of its key>`, so any machine can tell
 * from the registry alone that a key is already built. 20 hex digits (80 bits) keep tags short and
 * readable while a collision between two keys of one repository stays out of reach.
 */
const PREFIX = 'kiln-';
const HEX_LENGTH = 20;

/** The content tag of a cache key (`kiln-3f1c…`, 25 characters). */
export function contentTag(key: string): string {
  return `${PREFIX}${key.slice(0, HEX_LENGTH)}`;
}

/** Whether a tag has the form of a content tag (of any key). */
export function isContentTag(tag: string): boolean {
  return tag.length === PREFIX.length + HEX_LENGTH && tag.startsWith(PREFIX) && /^[0-9a-f]+$/.test(tag.slice(PREFIX.length));
}
