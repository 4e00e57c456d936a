// Go's encoding/json string and map encoding, as the docker CLI's `{{json}}` produces it.

/** A JSON string literal as Go encodes it; `escapeHTML` also turns `<`, `>`, `&` into `\u003c` etc. */
export function goJsonString(value: string, escapeHTML: boolean): string {
  // JSON.stringify matches Go for control characters (\b \f \n \r \t, else lowercase \u00xx, Go >= 1.22);
  // Go additionally escapes U+2028/U+2029 always, and HTML characters by default.
  const pattern = escapeHTML ? /[<>&\u2028\u2029]/g : /[\u2028\u2029]/g;
  return JSON.stringify(value).replace(pattern, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A value encoded as Go's json.Marshal would (maps get sorted keys). */
export function goJson(value: unknown, escapeHTML: boolean): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goJsonString(value, escapeHTML);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map((v) => goJson(v, escapeHTML)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${goJsonString(k, escapeHTML)}:${goJson(v, escapeHTML)}`).join(',')}}`;
}
