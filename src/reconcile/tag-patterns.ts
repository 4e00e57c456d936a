/**
 * Tag patterns, for `reconcile --prune`: a manifest tag template becomes a pattern where each
 * `${...}` part (`${GIT_SHA_SHORT}`, `${VERSION:-dev}`) matches any non-empty run of tag
 * characters, like a glob `*`; a literal tag (`latest`) matches only itself. So `v${VERSION}`
 * prunes `v1.2.0` once the manifest moved to `v1.3.0`, and never touches `stable`.
 */
const VARIABLE = /\$\{[^}]*\}/g;
const TAG_CHARS = '[A-Za-z0-9_.-]+';

/** The pattern of one tag template, anchored. */
export function tagPattern(template: string): RegExp {
  const literal = (text: string) => text.replaceAll('$$', '$').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const parts = template.split(VARIABLE).map(literal);
  return new RegExp(`^${parts.join(TAG_CHARS)}$`);
}

/** Whether a tag matches one of the templates. */
export function matchesTagTemplates(tag: string, templates: readonly string[]): boolean {
  return templates.some((t) => tagPattern(t).test(tag));
}
