/** Splits `repo:tag` (the tag after the last colon that follows the last slash); no tag means `latest`. */
export function splitRef(ref: string): { repository: string; tag: string } {
  const at = ref.indexOf('@');
  const name = at >= 0 ? ref.slice(0, at) : ref;
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) return { repository: name.slice(0, colon), tag: name.slice(colon + 1) };
  return { repository: name, tag: 'latest' };
}
