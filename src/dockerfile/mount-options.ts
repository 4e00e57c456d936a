/** One `key=value` field of a `RUN --mount=` flag, with where its value sits in the flag value. */
export interface MountField {
  /** Lowercased, as BuildKit compares mount keys. */
  key: string;
  /** With quotes removed. */
  value: string;
  /** Offsets of the value in the raw flag value: start inclusive, end exclusive. */
  start: number;
  end: number;
}

/**
 * Splits a `--mount` value (`type=cache,target=/x`, `"from=a,source=/b"`, `from="a"`) into fields.
 * BuildKit's flag parser removes the quotes first, so a quoted comma still separates fields;
 * then it reads a CSV record. This does both in one pass so every value keeps its offset in the
 * file (pinBaseImages rewrites it in place).
 */
export function parseMountFields(raw: string): MountField[] {
  const fields: MountField[] = [];
  let chars: { ch: string; at: number }[] = [];
  let quote: string | undefined;
  const flush = (): void => {
    const text = chars.map((c) => c.ch).join('');
    const eq = text.indexOf('=');
    const key = (eq < 0 ? text : text.slice(0, eq)).trim().toLowerCase();
    const valueChars = eq < 0 ? [] : chars.slice(eq + 1);
    const first = valueChars[0];
    const last = valueChars[valueChars.length - 1];
    if (key !== '') {
      fields.push({
        key,
        value: valueChars.map((c) => c.ch).join(''),
        start: first?.at ?? raw.length,
        end: last ? last.at + 1 : raw.length,
      });
    }
    chars = [];
  };
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i] ?? '';
    if (quote !== undefined && ch === quote) quote = undefined;
    else if (quote === undefined && (ch === '"' || ch === "'")) quote = ch;
    else if (ch === ',') flush();
    else chars.push({ ch, at: i });
  }
  flush();
  return fields;
}
